/**
 * The contract every rule module fulfils. One module per rule, named by its id; the fix lives
 * beside the check. See CONTRIBUTING.md "Add a rule".
 */
import type { DockerfileModel, Instr, Stage } from '../core/model';
import type { Finding, Fix, Range, Severity, SizeEstimate } from '../core/types';
import type { AnalysisEnvironment } from '../core/environment';
import type { AnalysisSettings } from '../core/analyze';

export interface RuleDocs {
  /** One line: what the rule catches. */
  summary: string;
  /** Why it matters for the image size. */
  why: string;
  /** A Dockerfile excerpt the rule flags. */
  incorrect: string;
  /** The same excerpt after the fix. */
  correct: string;
  /** Typical saving and what it depends on. */
  sizeImpact: string;
  /** What the quick fix does, or why there is none. */
  fix: string;
}

export interface RuleContext {
  model: DockerfileModel;
  /** The whole file, when `model` holds one stage family (rules with `reads: 'family'`). */
  file?: DockerfileModel;
  env: AnalysisEnvironment;
  /** The settings the analysis runs with (budget, severities...). */
  settings: AnalysisSettings;
}

/** What a rule's check returns; the engine adds severity and stage awareness. */
export interface RawFinding {
  range: Range;
  message: string;
  /** The instruction the finding is about (for ignore comments and stage awareness). */
  instr?: Instr;
  /** Overrides `instr.stage` when the finding is about a stage as a whole. */
  stage?: Stage;
  saving?: SizeEstimate;
  /**
   * The folder (absolute) that holds what the finding is about: a cache, the copied context. In a
   * stage whose layers do not reach the final image, a `COPY --from` of the final image that
   * copies this folder, or one above it, out of the stage (or through middle stages) still carries
   * the finding there, unless a later RUN may have removed it (see core/stageCopies).
   */
  holds?: string;
  /** Reported only when such a copy carries `holds` into the final image (a build cache in a builder stage is expected there otherwise). */
  onlyIfCarried?: boolean;
  /**
   * Another rule that reports the same cost on the same instruction: this finding is shown only
   * while that rule's finding there is shown (`keep: 'if-shown'`), or only while it is not
   * (`'if-hidden'`: that rule off in the settings, or ignored for the file or at the instruction).
   * So the cost is reported once, and still reported when the user turns the other rule off.
   * `at: 'from'`: that finding is on the FROM line of this finding's stage (ignore comments there
   * count); an instruction: on that one, of this finding's stage or a stage it builds on (the RUN
   * that wrote what this one's RUN installs from or deletes).
   */
  handOver?: { to: string; keep: 'if-shown' | 'if-hidden'; at?: 'from' | Instr };
  data?: Record<string, unknown>;
}

export interface Rule {
  /** Kebab-case id; also the file name, the fixture folder and the doc page name. */
  id: string;
  title: string;
  severity: Severity;
  /** The hadolint rule this one corresponds to, so `# hadolint ignore=DLxxxx` is honoured. */
  hadolint?: string;
  /**
   * 'layers': the finding costs size only when its stage's layers end up in the final image;
   * elsewhere it is reported as a hint that says so. 'always': reported as is.
   */
  scope: 'layers' | 'always';
  docs: RuleDocs;
  /**
   * 'family': the findings about a stage depend only on the stages of its FROM family (the
   * stages it builds on and those built on it), their reachability flags and the instructions
   * before the first FROM; never on other stages, the settings, or the build context except
   * through `contextKey`. The engine
   * then runs the check once per family on a model holding just that family, and reuses the
   * findings of families whose text did not change since the last version (see analyze.ts).
   * Absent: the check reads the whole file and runs on every analysis.
   */
  reads?: 'family';
  /**
   * True when the rule's messages quote line numbers as "line N" or "Line N" (of the family it
   * was shown): when lines are added above a family, kept findings move and so do those numbers.
   * A test checks that rules without it quote no line number.
   */
  quotesLines?: boolean;
  /**
   * For a 'family' rule: words at least one of which is written wherever it finds something,
   * such as the programs its findings are about (`['apk']`, `['pip']`). A family whose text holds
   * none of them gets no findings from the rule without running it (`mentionsAny` in
   * families.ts reads the text with quotes, escapes, line breaks and the blanks before them taken
   * out, once as written and once without comment lines, and with an exec form's JSON escapes
   * decoded, so a name a continuation splits still counts). Most files use one or two package
   * managers: the other rules then cost a text search. `test/unit/core/incremental.test.ts`
   * checks the claim on every fixture and on random texts.
   */
  words?: readonly string[];
  /**
   * For a 'family' rule that also asks one cheap question of the whole file (through
   * `ctx.file`): the answer, so findings kept from an earlier version are reused only while it
   * stays the same.
   */
  fileKey?(file: DockerfileModel): string;
  /**
   * For a 'family' rule that also reads facts of the build context: a key of the facts it reads
   * (cheap: asked on every analysis). Its check then gets the analysis's environment (other
   * family rules get an empty one), and findings kept from an earlier version are reused only
   * while the key stays the same.
   */
  contextKey?(env: AnalysisEnvironment): string;
  check(ctx: RuleContext): RawFinding[];
  /** Edits that repair one finding; absent when no safe fix exists. */
  fix?(finding: Finding, ctx: RuleContext): Fix | undefined;
}
