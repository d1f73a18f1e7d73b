import { loadConfigFile } from '../config/load-config.ts';
import { sluiceConfigSchema, storeUrl, type SluiceConfig } from '../config/sluice-config.ts';
import { createLogger, type Logger } from '../core/logger.ts';
import { openStore } from '../store/open-store.ts';
import type { MetadataStore } from '../store/metadata-store.ts';

export interface CommandContext {
  readonly config: SluiceConfig;
  readonly logger: Logger;
  readonly store: MetadataStore;
}

/** Loads the config file and opens the metadata store; the caller closes the store. */
export async function openContext(file: string): Promise<CommandContext> {
  const config = await loadConfigFile(sluiceConfigSchema, file);
  const logger = createLogger({ level: config.log.level });
  const store = await openStore(storeUrl(config));
  return { config, logger, store };
}
