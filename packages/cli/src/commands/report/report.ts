import type { Command } from 'commander';
import { writeReport } from '../../report/write-report.js';
import { ioOf } from '../../util/io.js';
import { parseChoice, parseInteger } from '../../util/options.js';

interface ReportFlags {
  format: string;
  out?: string;
  title?: string;
  samples: string;
}

/** `orderlens report <dir>`: one self-contained HTML page (or Markdown + PNGs) over every result under a folder. */
export function registerReport(program: Command): void {
  program
    .command('report')
    .description(
      'report every result.json under a folder: J(m) curves with theory fits, settings and costs, per-sample views',
    )
    .argument('<dir>', 'folder of an analysis or study (searched recursively; run/ folders are skipped)')
    .option(
      '--format <format>',
      'html (one self-contained page) or md (Markdown with PNGs beside it)',
      'html',
    )
    .option('--out <file>', 'report file (default <dir>/report.html or <dir>/report.md)')
    .option('--title <text>', 'page title', 'orderlens report')
    .option('--samples <k>', 'per-sample views per model', '3')
    .action(async (dir: string, flags: ReportFlags, cmd: Command) => {
      const io = ioOf(cmd);
      const format = parseChoice(flags.format, '--format', ['html', 'md'] as const);
      const maxSamples = parseInteger(flags.samples, '--samples', { min: 0 });
      const written = await writeReport(dir, { format, out: flags.out, title: flags.title, maxSamples });
      for (const w of written.warnings) io.stderr(`warning: ${w}\n`);
      io.stdout(
        `report: ${written.models.length} result(s) (${written.models.join(', ')}); wrote ${written.path}` +
          `${written.files.length > 1 ? ` and ${written.files.length - 1} picture file(s)` : ''}\n`,
      );
    });
}
