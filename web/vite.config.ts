import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The config lives in web/ but `npm run build:web` runs from the repository root: anchor every path
// on this file so the build works from any working directory.
const webRoot = new URL('.', import.meta.url).pathname;

export default defineConfig({
  root: webRoot,
  plugins: [react()],
  // recharts is most of the bundle; one file of ~210 kB gzipped is fine for an operator's console.
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1000 },
  server: {
    // The API server's default address (server.port in the configuration); SSE goes through too.
    proxy: { '/api': { target: 'http://127.0.0.1:8787', changeOrigin: false } },
  },
});
