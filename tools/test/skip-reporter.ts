/**
 * A vitest reporter that makes skipped tests loud: after the run it lists every skipped test, what
 * was missing for it (recorded by `lacks()` of `@orderlens/core/testing`) and the command that
 * installs it. With `ORDERLENS_REQUIRE_ALL_TESTS=1` (as `.ci/run` sets) a skipped test fails the run.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import type { Reporter, TestModule } from 'vitest/node';

export default class SkipReporter implements Reporter {
  constructor(private readonly skipLog: string) {}

  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const skipped: string[] = [];
    for (const m of testModules)
      for (const t of m.children.allTests())
        if (t.result().state === 'skipped') skipped.push(`${m.project.name} › ${t.fullName}`);
    const missing = new Map<string, { install: string; what: Set<string> }>();
    if (existsSync(this.skipLog)) {
      for (const line of readFileSync(this.skipLog, 'utf8').split('\n').filter(Boolean)) {
        const [name, install, what] = line.split('\t');
        const entry = missing.get(name) ?? { install, what: new Set<string>() };
        entry.what.add(what);
        missing.set(name, entry);
      }
      rmSync(this.skipLog, { force: true });
    }
    const strict = process.env.ORDERLENS_REQUIRE_ALL_TESTS === '1';
    // Tests left out by a name filter (`-t`) are skipped too: they are listed only when a tool was
    // missing or when nothing may be skipped.
    if (skipped.length === 0 || (missing.size === 0 && !strict)) return;
    const out: string[] = [`\n${skipped.length} test(s) SKIPPED:`, ...skipped.map((s) => `  - ${s}`)];
    for (const [name, { install, what }] of missing)
      out.push(`missing ${name} (needed by ${[...what].join('; ')}): install it with \`${install}\``);
    if (strict) {
      out.push('ORDERLENS_REQUIRE_ALL_TESTS=1: a skipped test fails this run.');
      process.exitCode = 1;
    }
    process.stderr.write(`${out.join('\n')}\n`);
  }
}
