"""`make mutate`: mutation testing of lambda/ with mutmut, against the unit and integration tests.

A report, not a test gate. It prints the score and every surviving mutant, and rewrites the "Latest run" part of
docs/testing.md. Survivors that no behaviour can tell apart from the original are listed in EQUIVALENT below, each
with the reason; every other survivor is counted against the score.

Why a workspace: the function's package is imported as `code_screens` (lambda/ is its code asset, on sys.path), but
mutmut names mutants after their path from the directory it runs in, and refuses to run when the two differ. So
the run happens in .mutation/, a fresh copy of the repository's test inputs in which lambda/'s contents sit at
the top: `code_screens/x.py` there is module `code_screens.x`, as in Lambda. Whatever lambda/ holds (new modules,
a second route) is picked up without changing this file. mutmut keeps its own working copy in .mutation/mutants/.

Environment: MUTATE_JOBS (parallel workers, default 2), MUTATE_KEEP=1 (reuse .mutation/mutants/ results from
the previous run instead of starting afresh: faster, but only right when neither code nor tests changed).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAMBDA_DIR = ROOT / "lambda"
WORKSPACE = ROOT / ".mutation"
MUTANTS = WORKSPACE / "mutants"
TESTING_DOC = ROOT / "docs" / "testing.md"
MUTMUT = Path(sys.executable).parent / "mutmut"

# What the tests import or read besides the function: copied next to it in the workspace.
TEST_INPUTS = (
    *("tests", "local", "bench", "infra", "ops", "docs", "web"),
    *("requirements.txt", "requirements-dev.txt", "cdk.json", "app.py", "package.json", "package-lock.json"),
    *("Makefile", "pyproject.toml", ".github"),
)
# The judges. test_properties.py is left out: its four hypothesis tests take ~85 % of the unit+integration run
# time (600 random bodies through the handler), they assert only "never a 5xx, never an exception", and a
# mutant they kill by chance in one run and not the next would make the score flaky. The bad-input corpus
# (tests/e2e) and the unit tests of request parsing cover the same ground deterministically.
# tests/tooling holds the unit tests of bench/ and of this file that once sat in tests/unit: still judges, so the
# selection is what it was before they moved.
TEST_SELECTION = [
    *("tests/unit", "tests/integration", "tests/tooling", "--ignore=tests/integration/test_properties.py"),
    # It regenerates the validators from the repository's layout (lambda/...), which the workspace does not have;
    # the generated files are not mutated, and `make test` runs it.
    "--deselect=tests/unit/test_generated_validators.py::test_the_committed_validators_are_what_make_validators_writes",
]
# Tests that synthesize the stack or drive the operator tools import infra/ or ops/: a synthesis takes ~20 s, once per
# mutant that reaches them, so they are left out (tests/infra and `make test` run them).
STACK_IMPORT = re.compile(r"^(from|import) (infra|ops)\b", re.MULTILINE)
SYNTH_FIXTURE = re.compile(r"^from tests\.synth import", re.MULTILINE)


def test_selection() -> list[str]:
    """TEST_SELECTION, less the test files there that import the stack or the operator tools."""
    stack_tests = sorted(
        path.relative_to(ROOT).as_posix()
        for folder in ("unit", "integration", "tooling")
        for path in (ROOT / "tests" / folder).glob("test_*.py")
        if STACK_IMPORT.search(path.read_text(encoding="utf-8"))
        # The tools' tests that synthesize the stack judge the tools, not lambda/: the workspace has no
        # node_modules to compile the asset's bytecode with, and a synthesis per mutant would take hours.
        or (folder == "tooling" and SYNTH_FIXTURE.search(path.read_text(encoding="utf-8")))
    )
    return TEST_SELECTION + [f"--ignore={path}" for path in stack_tests]


KILLED = {"killed", "timeout", "caught by type check"}
START, END = "<!-- mutate:start -->", "<!-- mutate:end -->"


@dataclass(frozen=True)
class Equivalent:
    """A survivor no behaviour can tell from the original: matched by its function and its mutated line."""

    function: str
    """Dotted function as mutmut names it, without the __mutmut_N suffix: code_screens.settings.x__number."""
    mutated_line: str
    """The mutant's changed line (a `+` line of the diff), stripped of indentation."""
    why: str


# Each entry was read and argued, not guessed; see docs/testing.md for the list as the last run matched it.
_CODEC = "Python's codec names are case-insensitive: the same encoding."
_NO_MESSAGE = 'A missing message reads "none" or "xxxx" instead of "": neither holds "secret hash" either.'
EQUIVALENT: tuple[Equivalent, ...] = (
    Equivalent("code_screens.secret_hash.x_compute_secret_hash", 'client_secret.encode("UTF-8"),', _CODEC),
    Equivalent("code_screens.secret_hash.x_compute_secret_hash", '(username + client_id).encode("UTF-8"),', _CODEC),
    Equivalent(
        "code_screens.secret_hash.x_compute_secret_hash", 'return base64.b64encode(digest).decode("ASCII")', _CODEC
    ),
    Equivalent("code_screens.pipeline.x_raw_body", 'return body.encode("UTF-8", errors="surrogatepass")', _CODEC),
    Equivalent(
        "code_screens.pipeline.x_raw_body",
        'return body.encode(errors="surrogatepass")',
        "UTF-8 is str.encode's default encoding.",
    ),
    Equivalent(
        "code_screens.pipeline.x__reject_constant",
        "raise ValueError(None)",
        "The message is dropped: parse_json answers every ValueError with invalid_json.",
    ),
    Equivalent(
        "code_screens.problems.xǁProblemǁ__init__",
        "super().__init__(None)",
        "A Problem's exception message is never read: its handler answers from problem_type.",
    ),
    Equivalent(
        "code_screens.pseudonym.x_user_reference",
        'message = ("user-ref:" + username_key(username)).encode("UTF-8")',
        _CODEC,
    ),
    Equivalent(
        "code_screens.pseudonym.x_user_reference",
        'return hmac.new(key.encode("UTF-8"), message, hashlib.sha256).hexdigest()[:16]',
        _CODEC,
    ),
    *(
        Equivalent(
            "code_screens.app_secrets.x_get_app_client_credentials",
            f"raise SecretUnavailableError({message}) from error.__context__",
            "Its message is never read: load_credentials answers from the AWS error in __cause__.",
        )
        for message in ("None", '"XXthe secret could not be readXX"', '"THE SECRET COULD NOT BE READ"')
    ),
    *(
        Equivalent(
            "code_screens.pipeline.x__object_without_duplicate_keys",
            f"raise ValueError({message})",
            "The message is dropped: parse_json answers every ValueError with invalid_json.",
        )
        for message in ("None", '"XXduplicate keyXX"', '"DUPLICATE KEY"')
    ),
    Equivalent("code_screens.pipeline.x_parse_json", 'text = body.decode("UTF-8")', _CODEC),
    Equivalent(
        "code_screens.pipeline.x_check_content_type",
        'media_type, _, parameters = (content_type or "XXXX").partition(";")',
        'A missing Content-Type is refused either way: neither "" nor "XXXX" is application/json.',
    ),
    Equivalent(
        "code_screens.origins.x_normalize_origin",
        'if text.endswith("/") and not text.endswith("XX//XX"):',
        "A value ending in // keeps a trailing / after one is cut, which the origin pattern refuses with the same "
        "message (built from the value as given).",
    ),
    Equivalent(
        "code_screens.origins.x_parse_origin_list",
        'origins[normalize_origin(item)] = ""',
        "The dict only orders and de-duplicates its keys; its values are never read.",
    ),
    *(
        Equivalent(
            "code_screens.settings.xǁSettingsǁfrom_env",
            f'allowed_origins, origins_error = _origins(env.get("ALLOWED_ORIGINS", {default})), None',
            'parse_origin_list answers None with (), as it answers "" (whose one item is blank): no origin, no error.',
        )
        for default in ("None", "")
    ),
    *(
        Equivalent(
            "code_screens.app_secrets.x_get_pseudonym_key",
            f"raise SecretUnavailableError({message}) from error.__context__",
            "Its message is never read: load_pseudonym_key answers (reason, metric, log) from the AWS error in "
            "__cause__.",
        )
        for message in ("None", '"XXthe pseudonym key could not be readXX"', '"THE PSEUDONYM KEY COULD NOT BE READ"')
    ),
    Equivalent(
        "code_screens.limiter.x_configure",
        "_CONFIGURATION.absent_logged = None",
        "None and False are read alike: absent_logged is only read as `not _CONFIGURATION.absent_logged` in acquire.",
    ),
    Equivalent(
        "code_screens.cognito.x_call",
        "refreshed = None",
        "None and False are read alike: `not refreshed` here, `if secret_refreshed` in observability.record_outcome.",
    ),
    Equivalent(
        "code_screens.pseudonym.x_caller_reference",
        'message = ("caller:" + caller_network(ip)).encode("UTF-8")',
        _CODEC,
    ),
    Equivalent(
        "code_screens.pseudonym.x_caller_reference",
        'return hmac.new(key.encode("UTF-8"), message, hashlib.sha256).hexdigest()[:16]',
        _CODEC,
    ),
    Equivalent(
        "code_screens.pseudonym.x_caller_network",
        'return str(ipaddress.ip_network(f"{address}/64", strict=None))',
        "ipaddress reads strict only as `if strict:`, so None is False.",
    ),
    Equivalent(
        "code_screens.pipeline.x__outcome",
        'return SUCCEEDED, "XXXX"',
        "A success's reason is never read: record_outcome reads it only for a refusal or a failure.",
    ),
    Equivalent(
        "code_screens.pipeline.x__outcome",
        "reason = result.error.code if (outcome.kind is Kind.FAILED) and False else operation.reason(result.error)",
        "For a failure operation.reason is the error code too: resend's is the code, and confirm's refusal_reason "
        "changes only NotAuthorizedException, which fails only as a secret-hash rejection, naming no user status.",
    ),
    Equivalent(
        "code_screens.operations.validation.xǁRefusedǁ__init__",
        "super().__init__(None)",
        "A Refused's message is never read: pipeline.validate_request answers from its violations.",
    ),
    *(
        Equivalent(
            "code_screens.operations.validation.x__string",
            f'compiled = _PATTERNS.setdefault(pattern, re.compile(pattern.{cut} + r"\\Z"))',
            "A `$` kept right before `\\Z` matches wherever `\\Z` does (the very end): the same pattern.",
        )
        for cut in ('removeprefix("$")', 'removesuffix("XX$XX")')
    ),
    *(
        Equivalent(
            "code_screens.doors.cognito_shape.x__object_properties",
            f'candidate = defs[candidate["$ref"].rsplit("/", {split})[{index}]]',
            "A `#/$defs/Name` reference's last piece is Name however often it is split, and of two pieces it is "
            "piece 1.",
        )
        for split, index in (("", "-1"), ("2", "-1"), ("1", "+1"))
    ),
    Equivalent(
        "code_screens.doors.cognito_shape.x__rename",
        "renamed[name] = _rename(value, nested, defs) if (nested is not None) or True else value",
        "_rename returns a value as it is when there are no properties to rename (None).",
    ),
    *(
        Equivalent(
            "code_screens.doors.cognito_shape.x_field_names_for",
            f'defs: Mapping[str, Any] = schema.get("$defs", {default})',
            "defs is read only for a $ref, and a schema with a $ref has $defs: the default is never read.",
        )
        for default in ("None", "")
    ),
    *(
        Equivalent(
            "code_screens.doors.cognito_shape.x__schema_in_cognito_names",
            f"elif key in {keys}:",
            "Without this branch $defs takes the generic one, which also keeps a mapping's keys (the model names) "
            "and renames inside each model: the same unless a model were named properties, required or examples.",
        )
        for keys in (
            '("XX$defsXX", "definitions")',
            '("$DEFS", "definitions")',
            '("$defs", "XXdefinitionsXX")',
            '("$defs", "DEFINITIONS")',
        )
    ),
    *(
        Equivalent(
            "code_screens.doors.cognito_shape.x__is_body_type",
            f'for candidate in (annotation, *getattr(annotation, "__args__", {default}))',
            "Only a field left None gets here, and every such field of the answers is annotated `X | None`, which "
            "has __args__.",
        )
        for default in ("None", "")
    ),
    *(
        Equivalent(
            function,
            'return json.dumps(document, separators=(",", ":"), ensure_ascii=None)',
            "json.dumps reads ensure_ascii as a truth value: None writes UTF-8 as False does.",
        )
        for function in ("code_screens.doors.cognito_shape.x_error_body", "code_screens.doors.cognito_protocol.x__json")
    ),
    *(
        Equivalent(
            f"code_screens.rotation.x_{step}",
            f"{target}_read(clients.secretsmanager, secret_id, {version})",
            "rotate_step runs this step only for a version labelled AWSPENDING (not AWSCURRENT), and Secrets Manager "
            "labels one version AWSPENDING at a time: the id and the stage each name the same version.",
        )
        for step, target in (("create_secret", ""), ("test_secret", "pending = "))
        for version in ("VersionStage=PENDING", "VersionId=token, ")
    ),
    Equivalent(
        "code_screens.rotation.x_create_secret",
        "current = _read(clients.secretsmanager, secret_id, )",
        "GetSecretValue without a version or a stage reads AWSCURRENT.",
    ),
    Equivalent(
        "code_screens.rotation.x_finish_secret",
        "current = _read(clients.secretsmanager, secret_id, )",
        "AWSCURRENT is on token here (moved just above, or already there), and GetSecretValue reads AWSCURRENT by "
        "default.",
    ),
    Equivalent(
        "code_screens.rotation.x_finish_secret",
        'old = next((v for v, s in described["VersionIdsToStages"].items() if CURRENT in s), )',
        "A secret being rotated always has an AWSCURRENT version, and this runs only when token is not it: the "
        "default is never used.",
    ),
    Equivalent(
        "code_screens.rotation.x_finish_secret",
        'return f"current is {current.client_secret_id}; revoked '
        "{'XX, XX'.join(revoked) or 'nothing (already done)'}\"",
        "Cognito holds two secrets at most, one of them the current one: at most one is revoked, and one item is "
        "joined without the separator.",
    ),
    *(
        Equivalent(
            "code_screens.rotation.x__started",
            f'versions = secretsmanager.list_secret_version_ids(SecretId=secret_id, {deprecated})["Versions"]',
            "The version looked up is this rotation's, labelled AWSPENDING: listed with or without the deprecated "
            "ones.",
        )
        for deprecated in ("", "IncludeDeprecated=False")
    ),
    *(
        Equivalent(
            "code_screens.rotation.x__stages",
            f'versions: dict[str, list[str]] = described.get("VersionIdsToStages", {default})',
            "Secrets Manager creates the AWSPENDING version before it invokes a step, so DescribeSecret always lists "
            "VersionIdsToStages here.",
        )
        for default in ("None", "")
    ),
    Equivalent(
        "rotation_handler.x_user_pools",
        'pools = json.loads(os.environ.get("ROTATION_USER_POOLS", "XX{}XX"))',
        'Unset, it reads as {} either way: "XX{}XX" is no JSON, and user_pools answers {} for that.',
    ),
    *(
        Equivalent(
            "code_screens.doors.cognito_protocol.xǁReplayedǁ__init__",
            f"super().__init__({message})",
            "A Replayed's message is never read: the route answers with its response.",
        )
        for message in ("None", '"XXreplayedXX"', '"REPLAYED"')
    ),
    *(
        Equivalent(
            "code_screens.doors.cognito_protocol.xǁReplayǁkeep",
            f'if error.response.get("Error", {default}).get("Code") != "ConditionalCheckFailedException":',
            "botocore's ClientError always carries Error in its response: the default is never read.",
        )
        for default in ("None", "")
    ),
    Equivalent(
        "code_screens.operations.models.x_json_text",
        'text = json.dumps(document, ensure_ascii=None, separators=(",", ":"))',
        "json.dumps reads ensure_ascii as a truth value: None writes UTF-8 as False does.",
    ),
    *(
        Equivalent("code_screens.operations.models.x_json_text", line, _CODEC)
        for line in (
            'text.encode("UTF-8")',
            'text = text.encode("UTF-8", errors="surrogatepass").decode("utf-8", errors="replace")',
            'text = text.encode("utf-8", errors="surrogatepass").decode("UTF-8", errors="replace")',
        )
    ),
    *(
        Equivalent(
            "code_screens.operations.models.x_json_text", line, "UTF-8 is str.encode's and bytes.decode's default."
        )
        for line in (
            'text = text.encode("utf-8", errors="surrogatepass").decode(errors="replace")',
            'text = text.encode(errors="surrogatepass").decode("utf-8", errors="replace")',
        )
    ),
    *(
        Equivalent(
            "code_screens.pipeline.x_door_request",
            line,
            "APIGatewayProxyEvent.headers is Powertools' CaseInsensitiveDict, whose get() lower-cases the name it "
            "looks up: the same header either way.",
        )
        for line in ('content_type=event.headers.get("CONTENT-TYPE"),', 'origin=event.headers.get("ORIGIN"),')
    ),
    *(
        Equivalent(
            "handler.x__cors",
            f"expose_headers=[{names}],",
            "Header names are case-insensitive: a browser matches Access-Control-Expose-Headers regardless of case.",
        )
        for names in (
            '"retry-after", "x-amzn-ErrorType", "x-amzn-RequestId"',
            '"RETRY-AFTER", "x-amzn-ErrorType", "x-amzn-RequestId"',
            '"Retry-After", "x-amzn-errortype", "x-amzn-RequestId"',
            '"Retry-After", "X-AMZN-ERRORTYPE", "x-amzn-RequestId"',
            '"Retry-After", "x-amzn-ErrorType", "x-amzn-requestid"',
            '"Retry-After", "x-amzn-ErrorType", "X-AMZN-REQUESTID"',
        )
    ),
    *(
        Equivalent(
            "code_screens.doors.cognito_protocol.x__client_id_of",
            f'document = json.loads(pipeline.raw_body(body, is_base64_encoded) or b"{null}")',
            "An empty body has no ClientId either way: null parses to None, the mutated bytes fail to parse (None).",
        )
        for null in ("XXnullXX", "NULL")
    ),
    Equivalent(
        "code_screens.doors.cognito_protocol.x__client_id_of",
        "return client_id if (isinstance(client_id, str)) or True else None",
        "The key is made only for a valid request (before_limit), whose ClientId, when there is one, is a string.",
    ),
    Equivalent(
        "code_screens.doors.cognito_protocol.xǁReplayǁrecall",
        'secret = load_pseudonym_key(self.settings.pseudonym_key_secret_id).encode("UTF-8")',
        _CODEC,
    ),
    *(
        Equivalent(
            "code_screens.doors.cognito_protocol.xǁReplayǁrecall",
            f'headers = {{name: value["S"] for name, value in item.get("headers", {outer}).get("M", {inner}).items()}}',
            "Every replay item is written by keep, always with headers.M: the defaults are never read.",
        )
        for outer, inner in (("{}", "None"), ("{}", ""), ("None", "{}"), ("", "{}"))
    ),
    Equivalent("code_screens.operations.validation.x__holds_a_lone_surrogate", 'value.encode("UTF-8")', _CODEC),
    Equivalent(
        "code_screens.runtime.lazy_packages.x_defer_package_init",
        "source = get_source(None) if get_source is not None else None",
        "importlib's file loaders read a name of None as their own module's (_check_name): the same source.",
    ),
)


@dataclass
class Mutant:
    name: str
    status: str
    source: Path
    """The mutated file, relative to the workspace."""
    diff: str = ""

    @property
    def function(self) -> str:
        return self.name.partition("__mutmut_")[0]

    @property
    def mutated_lines(self) -> list[str]:
        return [
            line[1:].strip()
            for line in self.diff.splitlines()
            if line.startswith("+") and not line.startswith("+++") and line[1:].strip()
        ]

    def equivalent(self) -> Equivalent | None:
        for candidate in EQUIVALENT:
            if candidate.function == self.function and candidate.mutated_line in self.mutated_lines:
                return candidate
        return None


def _copy(source: Path, target: Path) -> None:
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".hypothesis")
    if source.is_dir():
        shutil.copytree(source, target, ignore=ignore)
    else:
        shutil.copy2(source, target)


def prepare_workspace(keep: bool) -> list[str]:
    """A fresh .mutation/ (keeping mutants/ when asked); returns the paths mutmut mutates, relative to it."""
    kept = None
    if keep and MUTANTS.is_dir():
        kept = WORKSPACE.parent / ".mutation-mutants-kept"
        shutil.rmtree(kept, ignore_errors=True)
        MUTANTS.rename(kept)
    shutil.rmtree(WORKSPACE, ignore_errors=True)
    WORKSPACE.mkdir()
    if kept is not None:
        kept.rename(MUTANTS)
    source_paths = []
    for entry in sorted(LAMBDA_DIR.iterdir()):
        if entry.name == "__pycache__" or (entry.is_file() and entry.suffix != ".py"):
            continue
        _copy(entry, WORKSPACE / entry.name)
        source_paths.append(entry.name)
    for name in TEST_INPUTS:
        _copy(ROOT / name, WORKSPACE / name)
    (WORKSPACE / "pyproject.toml").write_text(_workspace_pyproject(source_paths), encoding="utf-8")
    return source_paths


GENERATED_VALIDATORS = "code_screens/operations/generated/*"


def _toml(value: object) -> str:
    # Strings, booleans, numbers and lists of them: their JSON spelling is valid TOML.
    return json.dumps(value, ensure_ascii=False)


def _workspace_pyproject(source_paths: list[str]) -> str:
    pytest_options = dict(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"])
    # The function's code sits at the workspace's top: no lambda/ on the path, or the unmutated copy would win.
    pytest_options["pythonpath"] = ["."]
    mutmut_options = {
        "source_paths": source_paths,
        # Generated from the schemas (make validators) and never edited: a mutant there tests fastjsonschema, and
        # its messages are never read (operations/validation.py explains a refusal from the schema).
        "do_not_mutate": [GENERATED_VALIDATORS],
        "also_copy": [name for name in TEST_INPUTS if name != "tests"],
        "pytest_add_cli_args_test_selection": test_selection(),
        # No cache writes into the copy, no leftovers between workers.
        "pytest_add_cli_args": ["-p", "no:cacheprovider"],
        # The workspace is a copy, not a git tree: change detection has nothing to compare with.
        "use_git_change_detection": False,
    }
    lines = ["[tool.pytest.ini_options]"]
    lines += [f"{key} = {_toml(value)}" for key, value in pytest_options.items()]
    lines += ["", "[tool.mutmut]"]
    lines += [f"{key} = {_toml(value)}" for key, value in mutmut_options.items()]
    return "\n".join(lines) + "\n"


def run_mutmut(jobs: int) -> int:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    # The test run's own AWS settings come from the emulator fixture; inherited ones would change what is tested.
    env = {k: v for k, v in env.items() if not k.startswith("AWS_")}
    completed = subprocess.run([str(MUTMUT), "run", "--max-children", str(jobs)], cwd=WORKSPACE, env=env, check=False)
    return completed.returncode


def read_results() -> list[Mutant]:
    from mutmut.stats import status_by_exit_code  # only `make mutate` has a reason to load it

    mutants = []
    for meta in sorted(MUTANTS.rglob("*.meta")):
        data = json.loads(meta.read_text(encoding="utf-8"))
        source = meta.relative_to(MUTANTS).with_suffix("")  # code_screens/x.py.meta -> code_screens/x.py
        for name, exit_code in data.get("exit_code_by_key", {}).items():
            mutants.append(Mutant(name, status_by_exit_code[exit_code], source))
    return mutants


def attach_diffs(mutants: list[Mutant]) -> None:
    """What `mutmut show` prints, computed in this process (one `mutmut show` per survivor takes seconds each)."""
    from mutmut.mutation.diff_apply import get_diff_for_mutant

    here = Path.cwd()
    os.chdir(WORKSPACE)  # mutmut reads its configuration and mutants/ from the working directory
    try:
        for mutant in mutants:
            mutant.diff = get_diff_for_mutant(mutant.name, path=mutant.source)
    finally:
        os.chdir(here)


def module_of(mutant: Mutant) -> str:
    return re.sub(r"\.x[_ǁ].*$", "", mutant.function)


def render(mutants: list[Mutant], minutes: float, jobs: int) -> tuple[str, float]:
    survivors = [m for m in mutants if m.status not in KILLED]
    equivalent = [(m, e) for m in survivors if (e := m.equivalent()) is not None]
    alive = [m for m in survivors if m.equivalent() is None]
    judged = len(mutants) - len(equivalent)
    killed = len(mutants) - len(survivors)
    score = 100.0 * killed / judged if judged else 0.0
    by_status = Counter(m.status for m in mutants)

    lines = [
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {jobs} workers, {minutes:.1f} min wall clock.",
        "",
        f"**Score: {score:.1f} %** of non-equivalent mutants killed ({killed} of {judged}; "
        f"{len(mutants)} mutants, {len(equivalent)} equivalent).",
        "",
        "| Outcome | Mutants |",
        "| --- | ---: |",
        *[f"| {status} | {count} |" for status, count in sorted(by_status.items())],
        "",
        "| Module | Mutants | Killed | Equivalent | Not killed |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for module in sorted({module_of(m) for m in mutants}):
        of_module = [m for m in mutants if module_of(m) == module]
        lines.append(
            f"| `{module}` | {len(of_module)} | {sum(m.status in KILLED for m in of_module)} | "
            f"{sum(1 for m, _ in equivalent if module_of(m) == module)} | "
            f"{sum(1 for m in alive if module_of(m) == module)} |"
        )
    lines += ["", "### Equivalent survivors", ""]
    if not equivalent:
        lines.append("None.")
    for mutant, reason in equivalent:
        lines.append(f"- `{mutant.name}` (`{reason.mutated_line}`): {reason.why}")
    lines += ["", "### Survivors not killed", ""]
    if not alive:
        lines.append("None.")
    for mutant in alive:
        changed = "; ".join(f"`{line}`" for line in mutant.mutated_lines) or "(see `mutmut show`)"
        lines.append(f"- `{mutant.name}` ({mutant.status}): {changed}")
    # An entry no survivor matched argues about code that has moved or changed: it must go (or be fixed), or it
    # would excuse a later mutant of a function that happens to take that name again.
    matched = {id(reason) for _, reason in equivalent}
    stale = [entry for entry in EQUIVALENT if id(entry) not in matched]
    if stale:
        lines += ["", "### Equivalent entries no survivor matched (remove them from tests/mutate.py)", ""]
        lines += [f"- `{entry.function}`: `{entry.mutated_line}`" for entry in stale]
    return "\n".join(lines), score


def write_doc(section: str) -> None:
    text = TESTING_DOC.read_text(encoding="utf-8")
    before, start, rest = text.partition(START)
    _, end, after = rest.partition(END)
    if not start or not end:
        raise SystemExit(f"{TESTING_DOC} has no {START} ... {END} section to rewrite")
    TESTING_DOC.write_text(f"{before}{START}\n{section}\n{END}{after}", encoding="utf-8")


def main() -> int:
    """`python -m tests.mutate` runs and reports; `--report` only reports the last run again (after EQUIVALENT
    changed, say)."""
    jobs = int(os.environ.get("MUTATE_JOBS", "2"))
    timing = WORKSPACE / "run.json"
    if "--report" in sys.argv[1:]:
        exit_code, last = 0, json.loads(timing.read_text(encoding="utf-8"))
        minutes, jobs = last["minutes"], last["jobs"]
    else:
        started = time.monotonic()
        prepare_workspace(keep=os.environ.get("MUTATE_KEEP") == "1")
        exit_code = run_mutmut(jobs)
        minutes = (time.monotonic() - started) / 60
        timing.write_text(json.dumps({"minutes": minutes, "jobs": jobs}), encoding="utf-8")
    mutants = read_results()
    if exit_code != 0 or not mutants:
        print(f"mutmut failed (exit {exit_code}, {len(mutants)} mutants); no report written", file=sys.stderr)
        return exit_code or 1
    attach_diffs([m for m in mutants if m.status not in KILLED])
    section, score = render(mutants, minutes, jobs)
    print()
    print(section)
    write_doc(section)
    print(f"\nmutation score {score:.1f} %; docs/testing.md updated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
