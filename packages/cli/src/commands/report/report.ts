import type { Command } from 'commander';
import { writeReport } from '../../report/write-report.js';
import { ioOf } from '../../util/io.js';
import { optionField, settingsBlock } from '@orderlens/core';
import { addBlockOptions, choiceFlag, integerFlag, parseBlockFlags } from '../../util/option-schema.js';

interface ReportFlags {
  format: string;
  out?: string;
  title?: string;
  samples: string;
}

/** The format and the sample count of `report`, one schema; `--help` and the parsing are derived from it. */
export const REPORT_OPTIONS = settingsBlock({
  format: optionField(
    choiceFlag(['html', 'md'] as const)
      .prefault('html')
      .describe('html (one self-contained page) or md (Markdown with PNGs beside it)'),
    { argument: '<format>' },
  ),
  samples: optionField(integerFlag({ min: 0 }).prefault('3').describe('per-sample views per model'), {
    argument: '<k>',
  }),
});

/** `orderlens report <dir>`: one self-contained HTML page (or Markdown + PNGs) over every result under a folder. */
export function registerReport(program: Command): void {
  const cmd = program
    .command('report')
    .description(
      'report every result.json under a folder: J(m) curves with theory fits, settings and costs, per-sample views',
    )
    .argument('<dir>', 'folder of an analysis or study (searched recursively; run/ folders are skipped)');
  addBlockOptions(cmd, REPORT_OPTIONS, { keys: ['format'] })
    .option('--out <file>', 'report file (default <dir>/report.html or <dir>/report.md)')
    .option('--title <text>', 'page title', 'orderlens report');
  addBlockOptions(cmd, REPORT_OPTIONS, { keys: ['samples'] }).action(
    async (dir: string, flags: ReportFlags, cmd: Command) => {
      const io = ioOf(cmd);
      const { format, samples: maxSamples } = parseBlockFlags(REPORT_OPTIONS, {
        format: flags.format,
        samples: flags.samples,
      });
      const written = await writeReport(dir, { format, out: flags.out, title: flags.title, maxSamples });
      for (const w of written.warnings) io.stderr(`warning: ${w}\n`);
      io.stdout(
        `report: ${written.models.length} result(s) (${written.models.join(', ')}); wrote ${written.path}` +
          `${written.files.length > 1 ? ` and ${written.files.length - 1} picture file(s)` : ''}\n`,
      );
    },
  );
}
