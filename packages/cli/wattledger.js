#!/usr/bin/env node
// The repository's command line; see bin/wattledger.js.
import '../../bin/wattledger.js';
