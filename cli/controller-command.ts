import type { Command } from 'commander';
import type { Controller } from '../controller/controller.js';

interface ControllerFlags {
  config?: string;
  manifests?: string;
  storage?: string;
  listen?: string;
  logLevel?: string;
}

/** `camlet controller`: runs the controller in the foreground until SIGTERM or SIGINT. */
export function addControllerCommand(program: Command): void {
  program
    .command('controller')
    .description('Run the controller: watch the manifests folder and run a worker per camera')
    .option('--config <file>', 'controller settings file (such as config/camlet.yaml); also CAMLET_CONFIG')
    .option('--manifests <dir>', 'folder of Camera manifests (default: manifests)')
    .option('--storage <dir>', 'folder for recordings and the index (default: data)')
    .option('--listen <host:port>', 'address of the API, metrics and dashboard (default: 127.0.0.1:5001)')
    .option('--log-level <level>', 'trace, debug, info, warn, error or fatal (default: info)')
    .action(async (flags: ControllerFlags) => {
      // Loaded here, not at the top: the controller's modules cost the client commands a third of a second.
      const { ConfigError, loadConfig } = await import('../controller/config/load-config.js');
      const { Controller } = await import('../controller/controller.js');
      let config;
      try {
        config = loadConfig({
          file: flags.config ?? process.env.CAMLET_CONFIG,
          flags: { manifests: flags.manifests, storage: flags.storage, listen: flags.listen, logLevel: flags.logLevel },
          environment: process.env,
        });
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        process.stderr.write(`error: ${error.message}\n`);
        process.exit(1);
      }
      let controller: Controller;
      try {
        controller = await Controller.start({ config });
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        const hint = code === 'EADDRINUSE' ? ` (is another controller running? choose another address with --listen)` : '';
        process.stderr.write(`error: cannot start the controller: ${(error as Error).message}${hint}\n`);
        process.exit(1);
      }
      let signals = 0;
      const shutDown = (signal: NodeJS.Signals) => {
        signals += 1;
        if (signals > 1) {
          // A second Ctrl-C: leave now; the kernel kills the workers (parent-death signal).
          process.stderr.write(`${signal} again: exiting without waiting for the workers\n`);
          process.exit(1);
        }
        controller.stop().then(
          () => process.exit(0),
          (error: unknown) => {
            process.stderr.write(`error while stopping: ${String(error)}\n`);
            process.exit(1);
          },
        );
      };
      process.on('SIGTERM', shutDown);
      process.on('SIGINT', shutDown);
    });
}
