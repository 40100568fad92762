#!/usr/bin/env python3
"""Asks botocore how it resolves credentials for one shared config/credentials case: an oracle for
RoleKit's profile tests (the corpus is Tests/Fixtures/profiles/, described in its README.md).

  botocore_resolve.py CASE_DIR MOTO_ENDPOINT
      -> one JSON line:
         {"method": str|null, "access_key": str|null, "secret_key_sha256": hex|null,
          "token_present": bool, "arn": str|null, "error": str|null}
  botocore_resolve.py --all CORPUS_DIR MOTO_ENDPOINT [EMULATOR_ENDPOINT]
      -> one such line per case folder (every subfolder holding a case.json, in sorted order),
         each with an added "case" member (the folder's name).

(`--child STAGED_DIR MOTO_ENDPOINT PROFILE_JSON` is internal: the child process described below.)

MOTO_ENDPOINT is a running moto_server (e.g. http://127.0.0.1:5000): every STS call goes there.
EMULATOR_ENDPOINT (optional, also after CASE_DIR) is a running RoleKit emulator whose IAM
Identity Center knows the corpus's seeded tokens: AWS_ENDPOINT_URL_SSO and
AWS_ENDPOINT_URL_SSO_OIDC point there, and the ARN of "sso" credentials is asked of its STS.

Fields:
  method             botocore's Credentials.method ("env", "shared-credentials-file",
                     "config-file", "custom-process", "assume-role",
                     "assume-role-with-web-identity", ...); null when botocore found no
                     credentials (get_credentials() returned None) or raised before returning any.
  access_key         the access key id; null for the STS methods (assume-role,
                     assume-role-with-web-identity), whose keys moto makes up at random.
  secret_key_sha256  sha256 (hex) of the secret key, never the secret itself; null like access_key.
  token_present      whether the credentials carry a session token.
  arn                for the STS methods: the Arn STS GetCallerIdentity (at moto) returns for the
                     credentials, e.g. arn:aws:sts::123456789012:assumed-role/ROLE/SESSION.
  error              the class name of the exception botocore raised (from get_credentials(),
                     from get_frozen_credentials() -- assume-role fetches are deferred until then --
                     or from GetCallerIdentity), else null. method stays set when the error came
                     after botocore had chosen a provider.

The harness (what a consumer such as a Swift test must reproduce to compare like with like):
  * The case folder is copied into a fresh temporary directory, and every literal "${CASE}" in the
    copy's `config` and `credentials` files and in case.json's env values is replaced by the
    absolute path of that copy (the files are otherwise copied byte for byte: BOM, CRLF, ...).
    botocore expands nothing in config values; this is how token files and credential_process
    scripts are referred to by absolute path.
  * botocore runs in a child process whose environment is this one minus every AWS_* variable and
    BOTO_CONFIG, plus:
        HOME=<an empty temporary directory>           (no ~/.aws, ~/.boto)
        AWS_CONFIG_FILE=<copy>/config                 (may not exist: that is a case too)
        AWS_SHARED_CREDENTIALS_FILE=<copy>/credentials
        AWS_EC2_METADATA_DISABLED=true                (never IMDS)
        AWS_ENDPOINT_URL_STS=MOTO_ENDPOINT
        PYTHONUTF8=1                                  (files decode as UTF-8 whatever the locale)
    and then case.json's "env" (which wins).
  * case.json's "profile" (a name or null) is passed as botocore.session.Session(profile=...):
    an explicitly chosen profile, like `aws --profile` (botocore then ignores the AWS_ACCESS_KEY_ID
    family). null means none was chosen: AWS_DEFAULT_PROFILE / AWS_PROFILE or "default" apply.
  * The child's stdin is /dev/null and it runs in a new session (no controlling terminal), so an
    MFA prompt cannot hang: getpass falls back to stdin and gets end of file. It is killed after
    60 s (then the script fails).
  * SSO token caches: case.json's "sso_cache" maps a session name (or a legacy start URL) to a
    file of the case; it is copied to HOME/.aws/sso/cache/<sha1 of the name>.json (mode 0600),
    with every "${NOW+N}" / "${NOW-N}" replaced by that UTC time (%Y-%m-%dT%H:%M:%SZ), N seconds.

Exit status: 0 when every case produced a line (whatever botocore decided), non-zero when the
harness itself failed.
"""
import concurrent.futures
import datetime
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

CASE_PLACEHOLDER = "${CASE}"
FILES_WITH_PLACEHOLDERS = ("config", "credentials")
STS_METHODS = ("assume-role", "assume-role-with-web-identity")
CHILD_TIMEOUT_SECONDS = 60
ALL_CASES_PARALLELISM = 4  # children at once in --all mode


# --- harness (parent process) ------------------------------------------------------------------

def stage_case(case_dir, workspace):
    """Copies the case into workspace/case with ${CASE} substituted; returns (path, case.json)."""
    staged = os.path.join(workspace, "case")
    shutil.copytree(case_dir, staged, symlinks=True)  # copy2: keeps the scripts' executable bits
    for name in FILES_WITH_PLACEHOLDERS:
        path = os.path.join(staged, name)
        if os.path.isfile(path):
            with open(path, "rb") as f:
                data = f.read()
            if CASE_PLACEHOLDER.encode() in data:  # bytes in, bytes out: BOM and CRLF survive
                with open(path, "wb") as f:
                    f.write(data.replace(CASE_PLACEHOLDER.encode(), staged.encode()))
    with open(os.path.join(staged, "case.json"), encoding="utf-8") as f:
        spec = json.load(f)
    spec["env"] = {k: v.replace(CASE_PLACEHOLDER, staged) for k, v in (spec.get("env") or {}).items()}
    return staged, spec


NOW_PLACEHOLDER = re.compile(r"\$\{NOW([+-])(\d+)\}")


def stage_sso_cache(staged, home, spec):
    """Copies the case's SSO token files into HOME/.aws/sso/cache under botocore's names."""
    cache = os.path.join(home, ".aws", "sso", "cache")
    for name, file in (spec.get("sso_cache") or {}).items():
        os.makedirs(cache, mode=0o700, exist_ok=True)
        with open(os.path.join(staged, file), encoding="utf-8") as f:
            text = f.read()
        now = datetime.datetime.now(datetime.timezone.utc)

        def when(match):
            delta = datetime.timedelta(seconds=int(match.group(2)))
            return (now + delta if match.group(1) == "+" else now - delta).strftime("%Y-%m-%dT%H:%M:%SZ")

        target = os.path.join(cache, hashlib.sha1(name.encode("utf-8")).hexdigest() + ".json")
        with open(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w", encoding="utf-8") as f:
            f.write(NOW_PLACEHOLDER.sub(when, text))


def child_environment(staged, home, moto_endpoint, case_env, emulator_endpoint=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_") and k != "BOTO_CONFIG"}
    env.update({
        "HOME": home,
        "AWS_CONFIG_FILE": os.path.join(staged, "config"),
        "AWS_SHARED_CREDENTIALS_FILE": os.path.join(staged, "credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_ENDPOINT_URL_STS": moto_endpoint,
        "PYTHONUTF8": "1",
    })
    if emulator_endpoint:
        env["AWS_ENDPOINT_URL_SSO"] = emulator_endpoint
        env["AWS_ENDPOINT_URL_SSO_OIDC"] = emulator_endpoint
    env.update(case_env)
    return env


def resolve_case(case_dir, moto_endpoint, emulator_endpoint=None):
    """Runs botocore on one case in a child process; returns the result dict."""
    workspace = os.path.realpath(tempfile.mkdtemp(prefix="rolekit-profile-case-"))
    try:
        home = os.path.join(workspace, "home")
        os.mkdir(home)
        staged, spec = stage_case(os.path.abspath(case_dir), workspace)
        stage_sso_cache(staged, home, spec)
        child = subprocess.run(
            [sys.executable, os.path.abspath(__file__), "--child", staged, moto_endpoint,
             json.dumps(spec.get("profile")), emulator_endpoint or ""],
            env=child_environment(staged, home, moto_endpoint, spec["env"], emulator_endpoint),
            cwd=staged,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,  # no controlling terminal: getpass cannot open /dev/tty
            timeout=CHILD_TIMEOUT_SECONDS,
        )
        lines = child.stdout.decode("utf-8", "replace").strip().splitlines()
        if child.returncode != 0 or len(lines) != 1:
            raise RuntimeError(f"{case_dir}: child failed (status {child.returncode}):\n"
                               + child.stderr.decode("utf-8", "replace"))
        return json.loads(lines[0])
    finally:
        shutil.rmtree(workspace, ignore_errors=True)


def case_dirs(corpus_dir):
    return [os.path.join(corpus_dir, name) for name in sorted(os.listdir(corpus_dir))
            if os.path.isfile(os.path.join(corpus_dir, name, "case.json"))]


# --- botocore (child process) ------------------------------------------------------------------

def run_botocore(moto_endpoint, profile, emulator_endpoint=None):
    import botocore.session

    result = {"method": None, "access_key": None, "secret_key_sha256": None,
              "token_present": False, "arn": None, "error": None}
    try:
        session = botocore.session.Session(profile=profile)
        credentials = session.get_credentials()
        if credentials is None:
            return result  # botocore's "no credentials": neither a method nor an error
        result["method"] = credentials.method
        frozen = credentials.get_frozen_credentials()  # runs a deferred AssumeRole now
        sts_method = credentials.method in STS_METHODS or credentials.method == "sso"
        if not sts_method:  # moto's keys are random: only the ARN is deterministic
            result["access_key"] = frozen.access_key
            result["secret_key_sha256"] = (hashlib.sha256(frozen.secret_key.encode("utf-8")).hexdigest()
                                           if frozen.secret_key is not None else None)
        result["token_present"] = bool(frozen.token)
        if sts_method:
            # A fresh session: the case's profile settings must not affect this call.
            # SSO role credentials are the emulator's: only its STS knows them.
            sts_endpoint = emulator_endpoint if credentials.method == "sso" and emulator_endpoint else moto_endpoint
            sts = botocore.session.Session().create_client(
                "sts", region_name="us-east-1", endpoint_url=sts_endpoint,
                aws_access_key_id=frozen.access_key, aws_secret_access_key=frozen.secret_key,
                aws_session_token=frozen.token)
            result["arn"] = sts.get_caller_identity()["Arn"]
    except Exception as error:  # any botocore exception is the result, by class name
        result["error"] = type(error).__name__
    return result


# --- command line -------------------------------------------------------------------------------

def main(argv):
    if len(argv) == 5 and argv[0] == "--child":
        _, staged, moto_endpoint, profile, emulator_endpoint = argv
        print(json.dumps(run_botocore(moto_endpoint, json.loads(profile), emulator_endpoint or None)))
        return 0
    if len(argv) in (3, 4) and argv[0] == "--all":
        corpus_dir, moto_endpoint = argv[1], argv[2]
        emulator_endpoint = argv[3] if len(argv) == 4 else None
        dirs = case_dirs(corpus_dir)
        # Each case is its own child process and temporary directory, so a few run at once; the
        # lines still come out in sorted order.
        with concurrent.futures.ThreadPoolExecutor(max_workers=ALL_CASES_PARALLELISM) as pool:
            for case_dir, result in zip(dirs, pool.map(lambda d: resolve_case(d, moto_endpoint, emulator_endpoint), dirs)):
                line = {"case": os.path.basename(case_dir)}
                line.update(result)
                print(json.dumps(line), flush=True)
        return 0
    if len(argv) in (2, 3) and not argv[0].startswith("-"):
        print(json.dumps(resolve_case(argv[0], argv[1], argv[2] if len(argv) == 3 else None)))
        return 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
