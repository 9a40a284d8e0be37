/**
 * `[sccm]`: computers and their installed software from a Microsoft Configuration Manager site database,
 * read directly with read-only SQL over TDS (mssql/tedious; no ODBC driver needed).
 */
// Types only at load: mssql (with tedious) takes ~0.9 s and 30 MB to load, paid only by a run that reads SCCM.
import type sql from 'mssql';
import { defineSource, type Source, type SourceContext } from '../types.js';
import { describeAddress, explainError, poolConfig, tdsSecureContext, unencryptedError, validateSettings, type PoolOptions } from './connection.js';
import { loadMssql } from './loadMssql.js';
import { countComputers, readComputers, type MergeStats } from './sccmReader.js';
import { sccmSettings, type SccmSettings } from './settings.js';

function sccmSource(settings: SccmSettings, ctx: SourceContext): Source {
  const address = validateSettings(settings, ctx.section);
  if (settings.driver) ctx.log.info(`driver = "${settings.driver}" is ignored: this connector talks to SQL Server directly and needs no ODBC driver`);
  if (!settings.encrypt) ctx.log.warn('encrypt = False: query results travel unencrypted between SQL Server and this machine');
  // The section's TLS settings are read once, here (files included), so a mistake is found before any work.
  const secureContext = settings.encrypt ? tdsSecureContext(ctx.tls, ctx.section) : undefined;

  /** Opens a fresh pool (no state shared between runs or sections); errors explained. */
  async function open(): Promise<{ pool: sql.ConnectionPool; opts: PoolOptions }> {
    const opts: PoolOptions = { settings, address, tls: ctx.tls, secureContext, section: ctx.section, loginErrors: [] };
    const mssql = await loadMssql();
    const pool = new mssql.ConnectionPool(poolConfig(opts));
    // mssql re-emits some connection errors on the pool; they also reach the awaiting call, so only log them.
    pool.on('error', (err: unknown) => ctx.log.debug(`connection error: ${String((err as Error)?.message ?? err)}`));
    try {
      await pool.connect();
    } catch (err) {
      await pool.close().catch(() => undefined);
      throw explainError(err, opts, 'connect');
    }
    if (opts.unencrypted) {
      await pool.close().catch(() => undefined);
      throw unencryptedError(opts);
    }
    return { pool, opts };
  }

  return {
    async check() {
      const { pool, opts } = await open();
      try {
        const computers = await countComputers(pool);
        const stats: MergeStats = { duplicateHardwareRows: 0, orphanSoftwareRows: 0 };
        const login = `logged in to ${describeAddress(address)} as "${settings.username}", database "${settings.database}"`;
        for await (const record of readComputers(pool, stats, ctx.signal)) {
          const hw = record.hardware as Record<string, unknown>;
          const software = record.software as unknown[];
          return `${login}: ${computers} computer(s); first: "${String(hw.computer_name)}" (resource ${String(hw.resource_id)}) with ${software.length} software entries`;
        }
        return `${login}: ${computers} computer(s); the views are readable but hold no computers`;
      } catch (err) {
        throw explainError(err, opts, 'query');
      } finally {
        await pool.close().catch(() => undefined);
      }
    },

    async *read() {
      const { pool, opts } = await open();
      const stats: MergeStats = { duplicateHardwareRows: 0, orphanSoftwareRows: 0 };
      let count = 0;
      try {
        for await (const record of readComputers(pool, stats, ctx.signal)) {
          count++;
          yield record;
        }
      } catch (err) {
        throw explainError(err, opts, 'query');
      } finally {
        await pool.close().catch(() => undefined);
      }
      if (ctx.signal.aborted) return;
      ctx.log.info(`read ${count} computer(s) from ${describeAddress(address)}/${settings.database}`);
      if (stats.duplicateHardwareRows) ctx.log.warn(`${stats.duplicateHardwareRows} extra hardware row(s) for computers already read were ignored (first row wins)`);
      if (stats.orphanSoftwareRows) ctx.log.info(`${stats.orphanSoftwareRows} software row(s) belong to no computer in v_GS_COMPUTER_SYSTEM and were skipped`);
    },
  };
}

export const sccm = defineSource({
  name: 'sccm',
  title: 'Computers and installed software from a Microsoft SCCM (Configuration Manager) site database',
  dataType: 'assets',
  mappingName: 'SCCM',
  settings: sccmSettings,
  defaultConverters: { 'hardware.last_logon': 'date_format' },
  defaultMappings: () => ({ APPLICATIONS: { source: 'software' } }),
  create: (settings, ctx) => sccmSource(settings, ctx),
});
