// Vite build of the Flowport web pages. The server serves `dist/` at `/`; in development
// (`npm run dev -w @flowport/web`) the API and the Integrator are proxied to a local server.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const root = fileURLToPath(new URL('.', import.meta.url));
const apiTarget = process.env.FLOWPORT_DEV_API ?? 'http://127.0.0.1:4580';

export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 2500,
  },
  server: {
    host: '127.0.0.1',
    port: 5173,
    proxy: {
      '/api': { target: apiTarget, ws: true },
      '/integrator': { target: apiTarget, ws: true },
    },
  },
  preview: { host: '127.0.0.1', port: 4173 },
});
