/**
 * A small SCCM database with the awkward cases: a machine with several NICs, disks, processors and
 * primary users; software present in both the 32- and 64-bit views; unnamed entries; software of a
 * machine that is not in v_GS_COMPUTER_SYSTEM; a machine with almost nothing inventoried.
 */
import { sccmDatabase, tableFromRows, type Database } from '../../support/tds/tables.js';

export const ALPHA = 16777220;
export const BRAVO = 16777221;
export const CHARLIE = 16777222;
const ORPHAN = 16777299;

export function fixtureDatabase(denied: string[] = []): Database {
  return sccmDatabase(
    'CM_DCT',
    {
      v_GS_COMPUTER_SYSTEM: tableFromRows('v_GS_COMPUTER_SYSTEM', [
        // inserted out of order on purpose: the query orders by ResourceID
        { ResourceID: CHARLIE, GroupID: 1, Name0: 'PC-CHARLIE', Domain0: 'CORP', Manufacturer0: 'HP', Model0: 'EliteBook 840', SystemType0: 'x64-based PC', UserName0: 'CORP\\carol' },
        { ResourceID: ALPHA, GroupID: 1, Name0: 'PC-ALPHA', Domain0: 'CORP', Manufacturer0: 'Dell Inc.', Model0: 'Precision 5570', SystemType0: 'x64-based PC', UserName0: 'CORP\\alice' },
        { ResourceID: BRAVO, GroupID: 1, Name0: 'PC-BRAVO', Domain0: 'WORKGROUP', Manufacturer0: null, Model0: null, SystemType0: null, UserName0: null },
      ]),
      v_GS_PROCESSOR: tableFromRows('v_GS_PROCESSOR', [
        { ResourceID: ALPHA, GroupID: 2, Name0: 'Second socket CPU' },
        { ResourceID: ALPHA, GroupID: 1, Name0: 'Intel(R) Xeon(R) W-11955M' },
        { ResourceID: CHARLIE, GroupID: 1, Name0: 'AMD Ryzen 7 PRO 6850U' },
      ]),
      v_GS_DISK: tableFromRows('v_GS_DISK', [
        { ResourceID: ALPHA, GroupID: 1, Index0: 1, Size0: 1907726 },
        { ResourceID: ALPHA, GroupID: 2, Index0: 0, Size0: 953867 },
        { ResourceID: CHARLIE, GroupID: 1, Index0: 0, Size0: 476937 },
      ]),
      v_GS_NETWORK_ADAPTER_CONFIGURATION: tableFromRows('v_GS_NETWORK_ADAPTER_CONFIGURATION', [
        { ResourceID: ALPHA, GroupID: 1, IPAddress0: null, MACAddress0: '00:50:56:C0:00:01' },
        { ResourceID: ALPHA, GroupID: 3, IPAddress0: '192.168.56.1', MACAddress0: '0A:00:27:00:00:0C' },
        { ResourceID: ALPHA, GroupID: 2, IPAddress0: '10.0.0.5,fe80::1c2d:3e4f:5a6b:7c8d', MACAddress0: '00:11:22:33:44:55' },
        { ResourceID: CHARLIE, GroupID: 5, IPAddress0: '10.0.2.7', MACAddress0: '00:AA:BB:CC:DD:02' },
        { ResourceID: CHARLIE, GroupID: 4, IPAddress0: '10.0.2.8', MACAddress0: '00:AA:BB:CC:DD:01' },
        { ResourceID: CHARLIE, GroupID: 6, IPAddress0: '10.0.2.9', MACAddress0: null },
      ]),
      v_GS_ENCRYPTABLE_VOLUME: tableFromRows('v_GS_ENCRYPTABLE_VOLUME', [
        { ResourceID: ALPHA, GroupID: 1, DriveLetter0: 'D:', ProtectionStatus0: 0 },
        { ResourceID: ALPHA, GroupID: 2, DriveLetter0: 'C:', ProtectionStatus0: 1 },
        { ResourceID: CHARLIE, GroupID: 1, DriveLetter0: 'C:', ProtectionStatus0: 0 },
      ]),
      v_GS_AntimalwareHealthStatus: tableFromRows('v_GS_AntimalwareHealthStatus', [
        { ResourceID: ALPHA, GroupID: 1, AntivirusEnabled: true },
        { ResourceID: BRAVO, GroupID: 1, AntivirusEnabled: false },
      ]),
      v_GS_X86_PC_MEMORY: tableFromRows('v_GS_X86_PC_MEMORY', [
        { ResourceID: ALPHA, GroupID: 1, TotalPhysicalMemory0: 33554432 },
        { ResourceID: CHARLIE, GroupID: 1, TotalPhysicalMemory0: 16777216 },
      ]),
      v_GS_PC_BIOS: tableFromRows('v_GS_PC_BIOS', [
        { ResourceID: ALPHA, GroupID: 1, SerialNumber0: '7XK2LM3' },
        { ResourceID: CHARLIE, GroupID: 1, SerialNumber0: '5CG2041XYZ' },
      ]),
      v_R_System: tableFromRows('v_R_System', [
        { ResourceID: ALPHA, Last_Logon_Timestamp0: new Date('2024-03-05T08:15:30.000Z') },
        { ResourceID: CHARLIE, Last_Logon_Timestamp0: null },
      ]),
      v_UserMachineRelationship: tableFromRows('v_UserMachineRelationship', [
        { MachineResourceID: ALPHA, UniqueUserName: 'corp\\zoe' },
        { MachineResourceID: ALPHA, UniqueUserName: 'corp\\alice' },
      ]),
      v_GS_OPERATING_SYSTEM: tableFromRows('v_GS_OPERATING_SYSTEM', [
        { ResourceID: ALPHA, GroupID: 1, Caption0: 'Microsoft Windows 11 Enterprise' },
        { ResourceID: CHARLIE, GroupID: 1, Caption0: 'Microsoft Windows 10 Pro' },
      ]),
      v_GS_ADD_REMOVE_PROGRAMS: tableFromRows('v_GS_ADD_REMOVE_PROGRAMS', [
        { ResourceID: ALPHA, GroupID: 1, DisplayName0: 'Notepad++ (32-bit x86)', Version0: '8.6.2', Publisher0: 'Notepad++ Team' },
        { ResourceID: ALPHA, GroupID: 2, DisplayName0: '7-Zip 23.01', Version0: '23.01', Publisher0: 'Igor Pavlov' },
        { ResourceID: ALPHA, GroupID: 3, DisplayName0: '', Version0: '1.0', Publisher0: 'Nobody' },
        { ResourceID: ALPHA, GroupID: 4, DisplayName0: null, Version0: '2.0', Publisher0: 'Nobody' },
        { ResourceID: ORPHAN, GroupID: 1, DisplayName0: 'Left behind', Version0: '1', Publisher0: 'Ghost' },
      ]),
      v_GS_ADD_REMOVE_PROGRAMS_64: tableFromRows('v_GS_ADD_REMOVE_PROGRAMS_64', [
        { ResourceID: ALPHA, GroupID: 1, DisplayName0: '7-Zip 23.01', Version0: '23.01', Publisher0: 'Igor Pavlov' },
        { ResourceID: ALPHA, GroupID: 2, DisplayName0: 'Google Chrome', Version0: '122.0.6261.112', Publisher0: 'Google LLC' },
        { ResourceID: ALPHA, GroupID: 3, DisplayName0: 'Google Chrome', Version0: '121.0.6167.185', Publisher0: 'Google LLC' },
        { ResourceID: CHARLIE, GroupID: 1, DisplayName0: 'Microsoft Edge', Version0: null, Publisher0: null },
      ]),
    },
    denied,
  );
}

const software = (name: string, version: string | null, publisher: string | null) => ({ name, version, publisher, path: null });

/** What the connector must produce for fixtureDatabase(), in order. */
export const EXPECTED_RECORDS = [
  {
    hardware: {
      resource_id: ALPHA,
      computer_name: 'PC-ALPHA',
      domain_name: 'CORP',
      make: 'Dell Inc.',
      model: 'Precision 5570',
      platform: 'x64-based PC',
      user_name: 'CORP\\alice',
      cpu: 'Intel(R) Xeon(R) W-11955M',
      hdd_total_mb: 953867,
      ipv4_address: '10.0.0.5,fe80::1c2d:3e4f:5a6b:7c8d',
      mac_address: '00:11:22:33:44:55',
      memory_total_kb: 33554432,
      serial_number: '7XK2LM3',
      last_logon: '2024-03-05T08:15:30.000Z',
      c_drive_encrypted: 1,
      antivirus_enabled: true,
      primary_user: 'corp\\alice',
      os_version: 'Microsoft Windows 11 Enterprise',
    },
    software: [
      software('7-Zip 23.01', '23.01', 'Igor Pavlov'),
      software('Google Chrome', '121.0.6167.185', 'Google LLC'),
      software('Google Chrome', '122.0.6261.112', 'Google LLC'),
      software('Notepad++ (32-bit x86)', '8.6.2', 'Notepad++ Team'),
    ],
  },
  {
    hardware: {
      resource_id: BRAVO,
      computer_name: 'PC-BRAVO',
      domain_name: 'WORKGROUP',
      make: null,
      model: null,
      platform: null,
      user_name: null,
      cpu: null,
      hdd_total_mb: null,
      ipv4_address: null,
      mac_address: null,
      memory_total_kb: null,
      serial_number: null,
      last_logon: null,
      c_drive_encrypted: null,
      antivirus_enabled: false,
      primary_user: null,
      os_version: null,
    },
    software: [],
  },
  {
    hardware: {
      resource_id: CHARLIE,
      computer_name: 'PC-CHARLIE',
      domain_name: 'CORP',
      make: 'HP',
      model: 'EliteBook 840',
      platform: 'x64-based PC',
      user_name: 'CORP\\carol',
      cpu: 'AMD Ryzen 7 PRO 6850U',
      hdd_total_mb: 476937,
      ipv4_address: '10.0.2.8',
      mac_address: '00:AA:BB:CC:DD:01',
      memory_total_kb: 16777216,
      serial_number: '5CG2041XYZ',
      last_logon: null,
      c_drive_encrypted: 0,
      antivirus_enabled: null,
      primary_user: null,
      os_version: 'Microsoft Windows 10 Pro',
    },
    software: [software('Microsoft Edge', null, null)],
  },
];
