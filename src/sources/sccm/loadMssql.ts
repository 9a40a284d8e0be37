/**
 * Loads mssql without the Azure AD half of tedious. tedious requires @azure/identity when it loads (~260 modules,
 * ~21 MB of RSS and ~0.15 s: measured by bench/sccm.ts end to end), but uses it only to build an Azure AD credential
 * at login, which [sccm] never asks for (SQL Server and Windows logins only). While mssql loads, tedious's
 * `require("@azure/identity")` gets a stand-in that loads the real module on the first property read, so an Azure AD
 * login would still work; nothing else changes.
 */
import Module from 'node:module';
import type sql from 'mssql';

type Load = (request: string, parent: { filename?: string } | undefined, isMain: boolean) => unknown;

let loaded: Promise<typeof sql> | undefined;

export function loadMssql(): Promise<typeof sql> {
  return (loaded ??= (async () => {
    const loader = Module as unknown as { _load: Load };
    const original = loader._load;
    loader._load = function (this: unknown, request, parent, isMain) {
      if (request === '@azure/identity' && /[\\/]tedious[\\/]/.test(parent?.filename ?? '')) {
        let real: Record<PropertyKey, unknown> | undefined;
        const load = () => (real ??= original.call(this, request, parent, isMain) as Record<PropertyKey, unknown>);
        return new Proxy(Object.create(null) as Record<PropertyKey, unknown>, {
          get: (_target, key) => load()[key],
          has: (_target, key) => key in load(),
          ownKeys: () => Reflect.ownKeys(load()),
          getOwnPropertyDescriptor: (_target, key) => {
            const d = Reflect.getOwnPropertyDescriptor(load(), key);
            return d && { ...d, configurable: true };
          },
        });
      }
      return original.call(this, request, parent, isMain);
    };
    try {
      return (await import('mssql')).default;
    } finally {
      loader._load = original;
    }
  })());
}
