import type { Command } from './command.js';

/** Every command, one file each. */
export const commands: Command[] = [];
