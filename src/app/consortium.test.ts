import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseEther, type Address } from 'viem';
import { startAnvil } from '../chain/anvil.ts';
import { connectChain } from '../chain/connection.ts';
import { buildConfig } from '../config/config.ts';
import { runCli } from '../cli/testing/runCli.ts';
import { startPlatformService } from './platformService.ts';

/**
 * The platform on a JSON-RPC node it did not start (here a separate anvil standing in for a
 * consortium node): its own keys from keystores, nothing from anvil's development accounts.
 */
describe('consortium mode (chain.mode "rpc")', () => {
  const root = mkdtempSync(join(tmpdir(), 'wattledger-rpc-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('makes keystores, deploys with them, and serves sign-ups paid by its relayer', async () => {
    const node = await startAnvil({ dataDir: join(root, 'node'), stateIntervalSeconds: 3_600 });
    try {
      const dataDir = join(root, 'platform');
      const passwordFile = join(root, 'password');
      writeFileSync(passwordFile, 'consortium-secret\n');
      const made = await runCli(['keys', 'new', '--data-dir', dataDir, '--password-file', passwordFile]);
      expect(made.code).toBe(0);
      const addresses = [...made.stdout.matchAll(/(0x[0-9a-fA-F]{40})/g)].map((m) => m[1] as Address);
      expect(addresses).toHaveLength(4);
      // The network's members fund the operator and the relayer.
      const admin = await connectChain(node.rpcUrl, { embedded: true });
      for (const address of addresses)
        await admin.testClient!.setBalance({ address, value: parseEther('100') });

      const config = buildConfig(
        {
          chain: { mode: 'rpc', url: node.rpcUrl, pollingIntervalMs: 20 },
          clock: { speed: 1 },
          keys: { passwordFile },
          caseStudy: { enabled: false },
          server: { host: '127.0.0.1', port: 0 },
        },
        'test',
        root,
        { dataDir },
      );
      const service = await startPlatformService(config, { heartbeatMs: 0 });
      try {
        const { deployment } = service.context.platform;
        expect(deployment.operator).toBe(addresses[0]);
        expect(deployment.settlementAgent).toBe(addresses[1]);
        const signUp = await service.app.inject({
          method: 'POST',
          url: '/api/participants',
          payload: {
            username: 'plant',
            password: 'plant-password',
            name: 'Gas micro-turbine',
            kind: 'producer',
            greenSupply: false,
            greenPreference: false,
          },
        });
        expect(signUp.statusCode).toBe(201);
        const login = await service.app.inject({
          method: 'POST',
          url: '/api/session',
          payload: { username: 'operator', password: service.operatorPassword },
        });
        expect(login.statusCode).toBe(200);
        await service.heartbeat();
        const health = (await service.app.inject({ url: '/api/health' })).json() as {
          chain: { ok: boolean };
        };
        expect(health.chain.ok).toBe(true);
      } finally {
        await service.stop();
      }
      // Without the password file's keystores the platform refuses to start, saying what to do.
      const missing = buildConfig(
        { chain: { mode: 'rpc', url: node.rpcUrl }, clock: { speed: 1 }, keys: { passwordFile } },
        'test',
        root,
        { dataDir: join(root, 'elsewhere') },
      );
      await expect(startPlatformService(missing, { heartbeatMs: 0 })).rejects.toThrow(
        /keys\/operator\.json is missing: run "wattledger keys new/,
      );
    } finally {
      await node.stop();
    }
  }, 120_000);
});
