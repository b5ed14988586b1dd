#!/usr/bin/env node
import { register } from 'tsx/esm/api';

register();
const { buildContracts } = await import('../scripts/build-contracts.ts');
await buildContracts({ log: (line) => console.log(line) });
