/**
 * The SQL the connector runs against the SCCM site database views. The test server in
 * test/support/tds/ recognises exactly these texts, so any change here must be mirrored there.
 *
 * One row per computer: where a view can hold several rows for a machine (network adapters, disks,
 * processors, primary users), OUTER APPLY picks one, so extra NICs or disks never multiply a computer:
 *   - processor, memory, BIOS, OS, antivirus, C: volume: the first inventory instance (lowest GroupID);
 *   - disk: the lowest disk index (Index0 0 is normally the system disk);
 *   - network adapter: the first adapter (lowest GroupID) that has both an IP and a MAC address;
 *   - primary user: the alphabetically first UniqueUserName among the machine's user relationships.
 * Both queries are ordered by ResourceID so that the software stream can be merged into the hardware
 * stream in a single pass (two round trips in total, whatever the number of computers).
 */

export const COUNT_COMPUTERS_SQL = `SELECT COUNT_BIG(*) AS computers FROM dbo.v_GS_COMPUTER_SYSTEM`;

export const HARDWARE_SQL = `
SELECT cs.ResourceID AS resource_id,
       cs.Name0 AS computer_name,
       cs.Domain0 AS domain_name,
       cs.Manufacturer0 AS make,
       cs.Model0 AS model,
       cs.SystemType0 AS platform,
       cs.UserName0 AS user_name,
       processor.Name0 AS cpu,
       disc.Size0 AS hdd_total_mb,
       net.IPAddress0 AS ipv4_address,
       net.MACAddress0 AS mac_address,
       mem.TotalPhysicalMemory0 AS memory_total_kb,
       bios.SerialNumber0 AS serial_number,
       rsys.Last_Logon_Timestamp0 AS last_logon,
       encrypted_volume.ProtectionStatus0 AS c_drive_encrypted,
       antivirus.AntivirusEnabled AS antivirus_enabled,
       umr.UniqueUserName AS primary_user,
       os.Caption0 AS os_version
  FROM dbo.v_GS_COMPUTER_SYSTEM AS cs
  OUTER APPLY (SELECT TOP (1) p.Name0 FROM dbo.v_GS_PROCESSOR AS p
                WHERE p.ResourceID = cs.ResourceID ORDER BY p.GroupID) AS processor
  OUTER APPLY (SELECT TOP (1) d.Size0 FROM dbo.v_GS_DISK AS d
                WHERE d.ResourceID = cs.ResourceID ORDER BY d.Index0, d.GroupID) AS disc
  OUTER APPLY (SELECT TOP (1) n.IPAddress0, n.MACAddress0 FROM dbo.v_GS_NETWORK_ADAPTER_CONFIGURATION AS n
                WHERE n.ResourceID = cs.ResourceID AND n.MACAddress0 IS NOT NULL AND n.IPAddress0 IS NOT NULL
                ORDER BY n.GroupID) AS net
  OUTER APPLY (SELECT TOP (1) v.ProtectionStatus0 FROM dbo.v_GS_ENCRYPTABLE_VOLUME AS v
                WHERE v.ResourceID = cs.ResourceID AND v.DriveLetter0 = 'C:' ORDER BY v.GroupID) AS encrypted_volume
  OUTER APPLY (SELECT TOP (1) a.AntivirusEnabled FROM dbo.v_GS_AntimalwareHealthStatus AS a
                WHERE a.ResourceID = cs.ResourceID ORDER BY a.GroupID) AS antivirus
  OUTER APPLY (SELECT TOP (1) m.TotalPhysicalMemory0 FROM dbo.v_GS_X86_PC_MEMORY AS m
                WHERE m.ResourceID = cs.ResourceID ORDER BY m.GroupID) AS mem
  OUTER APPLY (SELECT TOP (1) b.SerialNumber0 FROM dbo.v_GS_PC_BIOS AS b
                WHERE b.ResourceID = cs.ResourceID ORDER BY b.GroupID) AS bios
  LEFT OUTER JOIN dbo.v_R_System AS rsys ON rsys.ResourceID = cs.ResourceID
  OUTER APPLY (SELECT TOP (1) u.UniqueUserName FROM dbo.v_UserMachineRelationship AS u
                WHERE u.MachineResourceID = cs.ResourceID ORDER BY u.UniqueUserName) AS umr
  OUTER APPLY (SELECT TOP (1) o.Caption0 FROM dbo.v_GS_OPERATING_SYSTEM AS o
                WHERE o.ResourceID = cs.ResourceID ORDER BY o.GroupID) AS os
 ORDER BY cs.ResourceID`;

/**
 * Installed software for every computer, 32- and 64-bit Add/Remove Programs together. UNION removes
 * entries present in both views (as the original's per-computer query did); unnamed entries are dropped.
 */
export const SOFTWARE_SQL = `
SELECT ResourceID AS resource_id, DisplayName0 AS name, Version0 AS version, Publisher0 AS publisher
  FROM dbo.v_GS_ADD_REMOVE_PROGRAMS
 WHERE DisplayName0 IS NOT NULL AND DisplayName0 <> ''
UNION
SELECT ResourceID, DisplayName0, Version0, Publisher0
  FROM dbo.v_GS_ADD_REMOVE_PROGRAMS_64
 WHERE DisplayName0 IS NOT NULL AND DisplayName0 <> ''
 ORDER BY resource_id, name, version, publisher`;

/** Every view the connector reads: `connector test` names the first one it may not read. */
export const VIEWS = [
  'v_GS_COMPUTER_SYSTEM',
  'v_GS_PROCESSOR',
  'v_GS_DISK',
  'v_GS_NETWORK_ADAPTER_CONFIGURATION',
  'v_GS_ENCRYPTABLE_VOLUME',
  'v_GS_AntimalwareHealthStatus',
  'v_GS_X86_PC_MEMORY',
  'v_GS_PC_BIOS',
  'v_R_System',
  'v_UserMachineRelationship',
  'v_GS_OPERATING_SYSTEM',
  'v_GS_ADD_REMOVE_PROGRAMS',
  'v_GS_ADD_REMOVE_PROGRAMS_64',
] as const;
