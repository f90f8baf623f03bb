import type { Command } from './command.js';
import { fitCommand } from './fit.js';
import { gridCommand } from './grid.js';
import { infoCommand } from './info.js';
import { mergeCommand } from './merge.js';
import { predictCommand } from './predict.js';
import { runCommand } from './run.js';
import { sampleCommand } from './sample.js';
import { smoothCommand } from './smooth.js';
import { stackCommand } from './stack.js';
import { sweepCommand } from './sweep.js';
import { synthCommand } from './synth.js';

/** Every command, one file each. */
export const commands: Command[] = [infoCommand, runCommand, fitCommand, predictCommand, smoothCommand, sweepCommand, synthCommand, sampleCommand, mergeCommand, stackCommand, gridCommand];
