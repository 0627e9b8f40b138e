"""sluice (the client) against a real OpenSSH sshd on loopback.

Each test starts sshd from a temp config on a free port, with host keys
and authorized_keys in tmp_path, and runs sluice with HOME pointing at a
temp dir (its .ssh/config and known_hosts), so the user's real files are
never read. Only processes started here are killed."""
import hashlib
import os
import pathlib
import shutil
import signal
import socket
import subprocess
import time

import pytest

from conftest import binary, free_port

SSHD = "/usr/sbin/sshd"
KEYGEN = "/usr/bin/ssh-keygen"

pytestmark = pytest.mark.skipif(
    not os.path.exists(SSHD) or os.geteuid() != 0,
    reason="needs OpenSSH sshd and root (sshd -D on loopback)")


def keygen(path, ktype="ed25519", passphrase=""):
    args = [KEYGEN, "-q", "-t", ktype, "-N", passphrase, "-f", str(path), "-C", "test"]
    if ktype == "rsa":
        args += ["-b", "2048"]
    subprocess.run(args, check=True)
    return path


class Sshd:
    def __init__(self, tmp, extra=""):
        self.dir = tmp / "sshd"
        self.dir.mkdir(exist_ok=True)
        self.hostkey = keygen(self.dir / "hostkey_ed25519", "ed25519")
        self.rsa_hostkey = keygen(self.dir / "hostkey_rsa", "rsa")
        self.auth_keys = self.dir / "authorized_keys"
        self.auth_keys.touch()
        self.port = free_port()
        self.log = self.dir / "sshd.log"
        cfg = self.dir / "sshd_config"
        # sshd takes the first value of a keyword: extra goes first.
        cfg.write_text(
            extra + f"HostKey {self.hostkey}\nHostKey {self.rsa_hostkey}\n"
            "PidFile none\nUsePAM no\nStrictModes no\n"
            f"AuthorizedKeysFile {self.auth_keys}\n"
            "PermitRootLogin yes\nPasswordAuthentication no\n"
            "KbdInteractiveAuthentication no\n"
            "ListenAddress 127.0.0.1\n"
            "Subsystem sftp internal-sftp\n")
        os.makedirs("/run/sshd", exist_ok=True)
        self.proc = subprocess.Popen(
            [SSHD, "-D", "-e", "-f", str(cfg), "-p", str(self.port)],
            stderr=open(self.log, "wb"))
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                if self.proc.poll() is not None:
                    raise RuntimeError("sshd died: " + self.log.read_text())
                time.sleep(0.05)
        raise RuntimeError("sshd did not start")

    def host_line(self, name=None):
        pub = (self.dir / "hostkey_ed25519.pub").read_text().split()
        return f"{name or f'[127.0.0.1]:{self.port}'} {pub[0]} {pub[1]}\n"

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class Env:
    """HOME for sluice with .ssh/config, known_hosts and a user key."""

    def __init__(self, tmp, sshd, ktype="ed25519"):
        self.home = tmp / "home"
        self.ssh = self.home / ".ssh"
        self.ssh.mkdir(parents=True, exist_ok=True)
        os.chmod(self.ssh, 0o700)
        self.sshd = sshd
        self.known = self.ssh / "known_hosts"
        self.known.write_text(sshd.host_line())
        self.key = keygen(tmp / f"id_{ktype}", ktype)
        self.authorize(self.key)
        (self.ssh / "config").write_text(
            "Host *\n  UserKnownHostsFile ~/.ssh/known_hosts\n"
            "  GlobalKnownHostsFile /dev/null\n  BatchMode yes\n  HashKnownHosts no\n")

    def authorize(self, key):
        with open(self.sshd.auth_keys, "a") as f:
            f.write(pathlib.Path(str(key) + ".pub").read_text())

    def env(self, **kw):
        e = {k: v for k, v in os.environ.items()
             if not k.startswith("SSH_") and k != "DISPLAY"}
        e["HOME"] = str(self.home)
        e.update(kw)
        return e

    def sluice(self, opts, command, key=True, input=None, env=None, timeout=60,
               dest="127.0.0.1"):
        cmd = [binary("sluice"), "-p", str(self.sshd.port)]
        if key:
            cmd += ["-i", str(self.key)]
        cmd += list(opts) + [dest] + list(command)
        # Never inherit pytest's stdin (a terminal, an open pipe).
        extra = {"input": input} if input is not None else {"stdin": subprocess.DEVNULL}
        return subprocess.run(cmd, capture_output=True, env=env or self.env(),
                              timeout=timeout, **extra)


@pytest.fixture
def sshd(tmp_path):
    s = Sshd(tmp_path)
    yield s
    s.stop()


@pytest.fixture
def env(tmp_path, sshd):
    return Env(tmp_path, sshd)


def test_exec_echo(env):
    r = env.sluice([], ["echo", "hi"])
    assert r.returncode == 0, r.stderr
    assert r.stdout == b"hi\n"


def test_exit_status_passed_through(env):
    r = env.sluice([], ["exit 3"])
    assert r.returncode == 3, r.stderr


def test_stderr_separated(env):
    r = env.sluice([], ["echo out; echo err >&2; exit 0"])
    assert r.returncode == 0, r.stderr
    assert r.stdout == b"out\n"
    assert r.stderr == b"err\n"


def test_args_joined_with_blanks(env):
    r = env.sluice([], ["printf", "'%s|'", "a", "b c"])
    assert r.returncode == 0, r.stderr
    assert r.stdout == b"a|b|c|"


BIG = 24 * 1024 * 1024


def big_data():
    # Incompressible, all byte values, deterministic.
    out = bytearray()
    h = hashlib.sha256(b"sluice").digest()
    while len(out) < BIG:
        h = hashlib.sha256(h).digest()
        out += h * 64
    return bytes(out[:BIG])


def test_cat_24mib_roundtrip(env):
    data = big_data()
    r = env.sluice([], ["cat"], input=data, timeout=120)
    assert r.returncode == 0, r.stderr
    assert hashlib.sha256(r.stdout).hexdigest() == hashlib.sha256(data).hexdigest()


def test_sha256sum_remote_24mib(env):
    data = big_data()
    r = env.sluice([], ["sha256sum"], input=data, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split()[0].decode() == hashlib.sha256(data).hexdigest()


def test_stdin_null(env):
    r = env.sluice(["-n"], ["cat; echo done"], input=b"ignored")
    assert r.returncode == 0, r.stderr
    assert r.stdout == b"done\n"


def test_session_none_stays_up(env):
    p = subprocess.Popen([binary("sluice"), "-p", str(env.sshd.port), "-i", str(env.key),
                          "-N", "127.0.0.1"], env=env.env(), stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    try:
        time.sleep(1.5)
        assert p.poll() is None, p.stderr.read()
    finally:
        p.terminate()
        p.wait(5)


@pytest.mark.parametrize("ktype", ["ed25519", "ecdsa", "rsa"])
def test_identity_file_key_types(tmp_path, sshd, ktype):
    e = Env(tmp_path, sshd, ktype)
    r = e.sluice([], ["echo", ktype])
    assert r.returncode == 0, r.stderr
    assert r.stdout == ktype.encode() + b"\n"


class Agent:
    def __init__(self, tmp):
        self.sock = str(tmp / "agent.sock")
        self.proc = subprocess.Popen(["ssh-agent", "-D", "-a", self.sock],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 5
        while not os.path.exists(self.sock):
            if time.time() > deadline:
                raise RuntimeError("ssh-agent did not start")
            time.sleep(0.05)

    def add(self, key):
        subprocess.run(["ssh-add", str(key)], env={**os.environ, "SSH_AUTH_SOCK": self.sock},
                       check=True, capture_output=True)

    def stop(self):
        self.proc.terminate()
        self.proc.wait(5)


@pytest.fixture
def agent(tmp_path):
    a = Agent(tmp_path)
    yield a
    a.stop()


@pytest.mark.parametrize("ktype", ["ed25519", "ecdsa", "rsa"])
def test_agent_key_types(tmp_path, sshd, agent, ktype):
    e = Env(tmp_path, sshd, ktype)
    agent.add(e.key)
    os.rename(e.key, str(e.key) + ".moved")  # only the agent holds it now
    r = e.sluice([], ["echo", "agent"], key=False, env=e.env(SSH_AUTH_SOCK=agent.sock))
    assert r.returncode == 0, r.stderr
    assert r.stdout == b"agent\n"


def test_identities_only_skips_other_agent_keys(tmp_path, sshd, agent):
    e = Env(tmp_path, sshd)
    agent.add(e.key)
    other = keygen(tmp_path / "other", "ed25519")  # not authorized
    r = e.sluice(["-o", "IdentitiesOnly=yes", "-o", f"IdentityFile={other}"], ["true"],
                 key=False, env=e.env(SSH_AUTH_SOCK=agent.sock))
    assert r.returncode == 255
    assert b"Permission denied" in r.stderr


def test_passphrase_via_askpass(tmp_path, sshd):
    e = Env(tmp_path, sshd)
    key = keygen(tmp_path / "id_pp", "ed25519", passphrase="s3cret pass")
    e.authorize(key)
    askpass = tmp_path / "askpass.sh"
    askpass.write_text("#!/bin/sh\necho 's3cret pass'\n")
    askpass.chmod(0o755)
    (e.ssh / "config").write_text(
        "Host *\n  UserKnownHostsFile ~/.ssh/known_hosts\n  GlobalKnownHostsFile /dev/null\n")
    r = e.sluice(["-o", f"IdentityFile={key}"], ["echo", "pp"], key=False,
                 env=e.env(SSH_ASKPASS=str(askpass), SSH_ASKPASS_REQUIRE="force"))
    assert r.returncode == 0, r.stderr
    assert r.stdout == b"pp\n"


def test_wrong_key_permission_denied(tmp_path, sshd):
    e = Env(tmp_path, sshd)
    other = keygen(tmp_path / "other", "ed25519")
    r = e.sluice(["-i", str(other), "-o", "IdentitiesOnly=yes"], ["true"], key=False)
    assert r.returncode == 255
    assert r.stderr.decode().endswith("root@127.0.0.1: Permission denied (publickey).\n")


def test_missing_explicit_identity_warns(env, tmp_path):
    missing = tmp_path / "nope"
    r = env.sluice(["-i", str(missing)], ["echo", "ok"])
    assert r.returncode == 0, r.stderr
    assert (f"Warning: Identity file {missing} not accessible: "
            "No such file or directory.\n").encode() in r.stderr


def test_connection_refused(env):
    port = free_port()
    r = subprocess.run([binary("sluice"), "-p", str(port), "127.0.0.1", "true"],
                       capture_output=True, env=env.env(), timeout=30,
                       stdin=subprocess.DEVNULL)
    assert r.returncode == 255
    assert r.stderr == f"sluice: connect to host 127.0.0.1 port {port}: Connection refused\n".encode()


def test_unknown_host(env):
    r = subprocess.run([binary("sluice"), "no-such-host.invalid", "true"],
                       capture_output=True, env=env.env(), timeout=60,
                       stdin=subprocess.DEVNULL)
    assert r.returncode == 255
    assert r.stderr == (b"sluice: Could not resolve hostname no-such-host.invalid: "
                        b"Name or service not known\n")


def test_unknown_config_keyword(env):
    (env.ssh / "config").write_text("Host *\n  NoSuchKeyword yes\n")
    r = env.sluice([], ["true"])
    assert r.returncode == 255
    assert b"/.ssh/config: line 2: Bad configuration option: nosuchkeyword\n" in r.stderr


CHANGED_HEAD = """@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@
@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @
@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@
IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!
"""


def fingerprint(pubfile):
    out = subprocess.run([KEYGEN, "-l", "-f", str(pubfile)], capture_output=True,
                         check=True, text=True).stdout
    return out.split()[1]


def test_known_hosts_hashed(env):
    subprocess.run([KEYGEN, "-H", "-f", str(env.known)], check=True, capture_output=True)
    assert env.known.read_text().startswith("|1|")
    r = env.sluice(["-o", "StrictHostKeyChecking=yes"], ["echo", "ok"])
    assert r.returncode == 0, r.stderr
    assert r.stdout == b"ok\n"


def test_known_hosts_default_port_name(tmp_path, sshd):
    # A key listed for "host" only is not the key for "[host]:port".
    e = Env(tmp_path, sshd)
    e.known.write_text(sshd.host_line("127.0.0.1"))
    r = e.sluice(["-o", "StrictHostKeyChecking=yes"], ["true"])
    assert r.returncode == 255


@pytest.mark.parametrize("shkc", ["yes", "accept-new", "ask"])
def test_changed_key_refused(tmp_path, sshd, shkc):
    e = Env(tmp_path, sshd)
    other = keygen(tmp_path / "otherhost", "ed25519")
    pub = (tmp_path / "otherhost.pub").read_text().split()
    e.known.write_text(f"# comment\n[127.0.0.1]:{sshd.port} {pub[0]} {pub[1]}\n")
    r = e.sluice(["-o", f"StrictHostKeyChecking={shkc}"], ["echo", "no"])
    assert r.returncode == 255
    assert r.stdout == b""
    err = r.stderr.decode()
    name = f"[127.0.0.1]:{sshd.port}"
    fp = fingerprint(str(sshd.hostkey) + ".pub")
    assert err.startswith(CHANGED_HEAD)
    assert f"The fingerprint for the ED25519 key sent by the remote host is\n{fp}.\n" in err
    assert f"Offending ED25519 key in {e.known}:2\n" in err
    assert f'  ssh-keygen -f "{e.known}" -R "{name}"\n' in err
    assert err.endswith(f"Host key for {name} has changed and you have requested strict "
                        "checking.\nHost key verification failed.\n")


def test_changed_key_no_connects_without_passwords(tmp_path, sshd):
    e = Env(tmp_path, sshd)
    keygen(tmp_path / "otherhost", "ed25519")
    pub = (tmp_path / "otherhost.pub").read_text().split()
    e.known.write_text(f"[127.0.0.1]:{sshd.port} {pub[0]} {pub[1]}\n")
    r = e.sluice(["-o", "StrictHostKeyChecking=no"], ["echo", "yes"])
    assert r.returncode == 0, r.stderr
    assert r.stdout == b"yes\n"
    assert r.stderr.decode().startswith(CHANGED_HEAD)
    assert b"Password authentication is disabled to avoid man-in-the-middle attacks.\n" in r.stderr


def test_strict_unknown(env):
    env.known.write_text("")
    r = env.sluice(["-o", "StrictHostKeyChecking=yes"], ["true"])
    assert r.returncode == 255
    assert r.stderr == (f"No ED25519 host key is known for [127.0.0.1]:{env.sshd.port} and "
                        "you have requested strict checking.\nHost key verification failed.\n"
                        ).encode()


def test_ask_without_tty_fails(env):
    env.known.write_text("")
    r = env.sluice(["-o", "StrictHostKeyChecking=ask"], ["true"])
    assert r.returncode == 255
    assert r.stderr == b"Host key verification failed.\n"
    assert env.known.read_text() == ""


@pytest.mark.parametrize("hashed", [False, True])
def test_accept_new_adds_line(env, hashed):
    env.known.write_text("")
    opts = ["-o", "StrictHostKeyChecking=accept-new"]
    if hashed:
        opts += ["-o", "HashKnownHosts=yes"]
    r = env.sluice(opts, ["echo", "new"])
    assert r.returncode == 0, r.stderr
    name = f"[127.0.0.1]:{env.sshd.port}"
    assert r.stderr == (f"Warning: Permanently added '{name}' (ED25519) to the list of known "
                        "hosts.\n").encode()
    line = env.known.read_text()
    keyfields = env.sshd.host_line().split()[1:]
    assert line.endswith(" ".join(keyfields) + "\n")
    if hashed:
        assert line.startswith("|1|")
        found = subprocess.run([KEYGEN, "-F", name, "-f", str(env.known)],
                               capture_output=True, text=True)
        assert found.returncode == 0
    else:
        assert line == env.sshd.host_line()
    # Now known: no warning the second time.
    r = env.sluice(["-o", "StrictHostKeyChecking=yes"], ["echo", "again"])
    assert r.returncode == 0 and r.stderr == b""


def test_no_adds_unknown_key(env):
    env.known.write_text("")
    r = env.sluice(["-o", "StrictHostKeyChecking=no"], ["true"])
    assert r.returncode == 0, r.stderr
    assert env.known.read_text() == env.sshd.host_line()


@pytest.mark.parametrize("cipher,kex", [
    ("aes128-ctr", "curve25519-sha256"),
    ("aes256-gcm@openssh.com", "ecdh-sha2-nistp256"),
    ("chacha20-poly1305@openssh.com", "diffie-hellman-group14-sha256"),
    ("aes256-ctr", "diffie-hellman-group16-sha512"),
])
def test_cipher_kex(env, cipher, kex):
    r = env.sluice(["-o", f"Ciphers={cipher}", "-o", f"KexAlgorithms={kex}", "-v"],
                   ["echo", cipher])
    assert r.returncode == 0, r.stderr
    assert r.stdout == cipher.encode() + b"\n"
    assert f"kex: {kex} ".encode() in r.stderr
    assert f"cipher {cipher} ".encode() in r.stderr


def test_mac_and_rekey_limit(env):
    data = big_data()[:4 * 1024 * 1024]
    r = env.sluice(["-o", "Ciphers=aes128-ctr", "-o", "MACs=hmac-sha2-256-etm@openssh.com",
                    "-o", "RekeyLimit=1M"], ["sha256sum"], input=data)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split()[0].decode() == hashlib.sha256(data).hexdigest()


def test_logfile(env, tmp_path):
    log = tmp_path / "client.log"
    env.known.write_text("")
    r = env.sluice(["-E", str(log), "-o", "StrictHostKeyChecking=yes"], ["true"])
    assert r.returncode == 255
    assert r.stderr == b""
    assert b"Host key verification failed." in log.read_bytes()


def test_quiet(env):
    env.known.write_text("")
    r = env.sluice(["-q", "-o", "StrictHostKeyChecking=accept-new"], ["echo", "q"])
    assert r.returncode == 0
    assert r.stderr == b""


@pytest.fixture
def test_user():
    """A throwaway local user with a known password (we are root)."""
    if not shutil.which("useradd"):
        pytest.skip("no useradd")
    name = f"sluicet{os.getpid() % 100000}"
    password = "pw-Sluice-1"
    subprocess.run(["useradd", "-M", "-d", "/tmp", "-s", "/bin/sh", name], check=True,
                   capture_output=True)
    try:
        subprocess.run(["chpasswd"], input=f"{name}:{password}\n".encode(), check=True,
                       capture_output=True)
        yield name, password
    finally:
        subprocess.run(["userdel", name], capture_output=True)


def askpass_script(tmp_path, answer):
    p = tmp_path / "askpass-pw.sh"
    p.write_text(f"#!/bin/sh\necho '{answer}'\necho \"$1\" >> {tmp_path}/prompts\n")
    p.chmod(0o755)
    return p


def pw_env(tmp_path, sshd_extra):
    s = Sshd(tmp_path, sshd_extra)
    e = Env(tmp_path, s)
    (e.ssh / "config").write_text(
        "Host *\n  UserKnownHostsFile ~/.ssh/known_hosts\n  GlobalKnownHostsFile /dev/null\n")
    return s, e


def test_password_auth(tmp_path, test_user):
    user, pw = test_user
    s, e = pw_env(tmp_path, "PasswordAuthentication yes\n")
    try:
        ap = askpass_script(tmp_path, pw)
        r = e.sluice(["-l", user], ["id", "-un"], key=False,
                     env=e.env(SSH_ASKPASS=str(ap), SSH_ASKPASS_REQUIRE="force"))
        assert r.returncode == 0, r.stderr
        assert r.stdout == user.encode() + b"\n"
        assert (tmp_path / "prompts").read_text() == f"{user}@127.0.0.1's password: \n"
    finally:
        s.stop()


def test_password_wrong(tmp_path, test_user):
    user, pw = test_user
    s, e = pw_env(tmp_path, "PasswordAuthentication yes\n")
    try:
        ap = askpass_script(tmp_path, "wrong")
        r = e.sluice(["-l", user, "-o", "NumberOfPasswordPrompts=2"], ["true"], key=False,
                     env=e.env(SSH_ASKPASS=str(ap), SSH_ASKPASS_REQUIRE="force"))
        assert r.returncode == 255
        assert r.stderr.decode().endswith(
            f"Permission denied, please try again.\n"
            f"{user}@127.0.0.1: Permission denied (publickey,password).\n")
        assert (tmp_path / "prompts").read_text().count("password:") == 2
    finally:
        s.stop()


def test_password_batchmode_denied(tmp_path, test_user):
    user, pw = test_user
    s, e = pw_env(tmp_path, "PasswordAuthentication yes\n")
    try:
        ap = askpass_script(tmp_path, pw)
        r = e.sluice(["-l", user, "-o", "BatchMode=yes"], ["true"], key=False,
                     env=e.env(SSH_ASKPASS=str(ap), SSH_ASKPASS_REQUIRE="force"))
        assert r.returncode == 255
        assert not (tmp_path / "prompts").exists()
    finally:
        s.stop()


def test_keyboard_interactive_pam(tmp_path, test_user):
    user, pw = test_user
    s, e = pw_env(tmp_path, "UsePAM yes\nKbdInteractiveAuthentication yes\n")
    try:
        ap = askpass_script(tmp_path, pw)
        r = e.sluice(["-l", user], ["id", "-un"], key=False,
                     env=e.env(SSH_ASKPASS=str(ap), SSH_ASKPASS_REQUIRE="force"))
        assert r.returncode == 0, r.stderr
        assert r.stdout == user.encode() + b"\n"
        assert (tmp_path / "prompts").read_text() == f"({user}@127.0.0.1) Password: \n"
    finally:
        s.stop()


def test_pty_forced(env):
    r = env.sluice(["-tt"], ["tty; echo $TERM"], env=env.env(TERM="vt100"))
    assert r.returncode == 0, r.stderr
    lines = r.stdout.split(b"\r\n")
    assert lines[0].startswith(b"/dev/pts/")
    assert lines[1] == b"vt100"
    assert r.stderr == b"Connection to 127.0.0.1 closed.\n"


def test_pty_not_without_tty(env):
    r = env.sluice(["-t"], ["tty"])
    assert r.returncode == 1
    assert r.stdout == b"not a tty\n"
    assert r.stderr == b"Pseudo-terminal will not be allocated because stdin is not a terminal.\n"


def test_exit_signal(env):
    r = env.sluice([], ["kill -9 $$"])
    assert r.returncode == 255
    assert r.stdout == b""


def test_server_disconnect_message(tmp_path):
    s = Sshd(tmp_path, "MaxAuthTries 2\n")
    try:
        e = Env(tmp_path, s)
        args = []
        for i in range(3):
            args += ["-i", str(keygen(tmp_path / f"unauthorized{i}"))]
        r = e.sluice(args, ["true"], key=False)
        assert r.returncode == 255
        assert r.stderr == (
            f"Received disconnect from 127.0.0.1 port {s.port}:2: Too many authentication "
            f"failures\nDisconnected from 127.0.0.1 port {s.port}\n").encode()
    finally:
        s.stop()


def test_remote_closes_stdout_early(env):
    # The remote side stops reading; we must not hang or crash.
    data = big_data()[:8 * 1024 * 1024]
    r = env.sluice([], ["head -c 10 >/dev/null; echo done"], input=data)
    assert r.returncode == 0, r.stderr
    assert r.stdout == b"done\n"


def run_on_pty(argv, env, answers, timeout=30):
    """Run argv with a pseudo-terminal as its controlling tty (so /dev/tty
    prompts work); answer each (prompt, reply) in turn. Returns (status,
    everything written to the terminal)."""
    import pty
    import select
    pid, fd = pty.fork()
    if pid == 0:
        try:
            os.execve(argv[0], argv, env)
        finally:
            os._exit(127)
    out = b""
    pos = 0  # answered up to here
    pending = list(answers)
    deadline = time.time() + timeout
    try:
        while time.time() < deadline:
            r, _, _ = select.select([fd], [], [], 0.2)
            if r:
                try:
                    chunk = os.read(fd, 4096)
                except OSError:
                    break
                if not chunk:
                    break
                out += chunk
            while pending and out.find(pending[0][0].encode(), pos) >= 0:
                prompt, reply = pending.pop(0)
                pos = out.find(prompt.encode(), pos) + len(prompt)
                if reply is not None:
                    os.write(fd, reply.encode() + b"\n")
        else:
            os.kill(pid, signal.SIGKILL)
    finally:
        _, status = os.waitpid(pid, 0)
        os.close(fd)
    return os.waitstatus_to_exitcode(status), out


def test_ask_on_tty_yes(env):
    env.known.write_text("")
    (env.ssh / "config").write_text(
        "Host *\n  UserKnownHostsFile ~/.ssh/known_hosts\n  GlobalKnownHostsFile /dev/null\n"
        "  HashKnownHosts no\n")
    argv = [binary("sluice"), "-p", str(env.sshd.port), "-i", str(env.key),
            "-o", "StrictHostKeyChecking=ask", "127.0.0.1", "echo", "asked"]
    fp = fingerprint(str(env.sshd.hostkey) + ".pub")
    status, out = run_on_pty(argv, env.env(), [
        ("Are you sure you want to continue connecting (yes/no/[fingerprint])? ", "maybe"),
        ("Please type 'yes', 'no' or the fingerprint: ", fp)])
    text = out.decode()
    assert status == 0, text
    name = f"[127.0.0.1]:{env.sshd.port}"
    assert f"The authenticity of host '{name} ({name})' can't be established.\r\n" in text
    assert f"ED25519 key fingerprint is {fp}." in text
    assert "asked" in text
    assert env.known.read_text() == env.sshd.host_line()


def test_ask_on_tty_no(env):
    env.known.write_text("")
    argv = [binary("sluice"), "-p", str(env.sshd.port), "-i", str(env.key),
            "-o", "StrictHostKeyChecking=ask", "-o", "BatchMode=no", "127.0.0.1", "true"]
    status, out = run_on_pty(argv, env.env(), [("(yes/no/[fingerprint])? ", "no")])
    assert status == 255
    assert b"Host key verification failed." in out
    assert env.known.read_text() == ""


def test_password_on_tty(tmp_path, test_user):
    user, pw = test_user
    s, e = pw_env(tmp_path, "PasswordAuthentication yes\n")
    try:
        argv = [binary("sluice"), "-p", str(s.port), "-l", user, "127.0.0.1", "id", "-un"]
        status, out = run_on_pty(argv, e.env(), [
            (f"{user}@127.0.0.1's password: ", "bad"),
            ("Permission denied, please try again.", None),
            (f"{user}@127.0.0.1's password: ", pw)])
        assert status == 0, out
        assert out.endswith(user.encode() + b"\r\n")
        assert b"bad" not in out and pw.encode() not in out  # no echo
    finally:
        s.stop()


def test_agent_keys_first_then_files(tmp_path, sshd, agent):
    e = Env(tmp_path, sshd)
    stranger = keygen(tmp_path / "stranger", "ecdsa")  # in the agent, not authorized
    agent.add(stranger)
    r = e.sluice(["-v"], ["echo", "files"], env=e.env(SSH_AUTH_SOCK=agent.sock))
    assert r.returncode == 0, r.stderr
    assert r.stdout == b"files\n"
    err = r.stderr.decode()
    assert err.index("Offering public key: agent key ecdsa") < err.index(
        f"Offering public key: {e.key} ssh-ed25519")


def test_agent_socket_missing(env, tmp_path):
    r = env.sluice([], ["echo", "ok"], env=env.env(SSH_AUTH_SOCK=str(tmp_path / "nosock")))
    assert r.returncode == 0, r.stderr
    assert r.stdout == b"ok\n"


def test_identity_agent_none(tmp_path, sshd, agent):
    e = Env(tmp_path, sshd)
    agent.add(e.key)
    r = e.sluice(["-o", "IdentityAgent=none"], ["true"], key=False,
                 env=e.env(SSH_AUTH_SOCK=agent.sock))
    assert r.returncode == 255
    assert b"Permission denied (publickey)" in r.stderr


def test_send_env_and_set_env(tmp_path):
    s = Sshd(tmp_path, "AcceptEnv SLUICE_* LC_*\n")
    try:
        e = Env(tmp_path, s)
        r = e.sluice(["-o", "SendEnv=SLUICE_A SLUICE_B", "-o", "SetEnv=SLUICE_C=set"],
                     ["echo $SLUICE_A/$SLUICE_B/$SLUICE_C/$SLUICE_D"],
                     env=e.env(SLUICE_A="a b", SLUICE_C="local", SLUICE_D="d"))
        assert r.returncode == 0, r.stderr
        assert r.stdout == b"a b//set/\n"
    finally:
        s.stop()


def test_connect_timeout_covers_handshake(env):
    # A server that accepts and then says nothing.
    with socket.socket() as srv:
        srv.bind(("127.0.0.1", 0))
        srv.listen(1)
        port = srv.getsockname()[1]
        t = time.time()
        r = subprocess.run([binary("sluice"), "-p", str(port), "-o", "ConnectTimeout=1",
                            "127.0.0.1", "true"], capture_output=True, env=env.env(),
                           timeout=30, stdin=subprocess.DEVNULL)
        assert time.time() - t < 10
    assert r.returncode == 255
    assert r.stderr == (b"Connection timed out during banner exchange\n"
                        b"Connection to 127.0.0.1 port %d timed out\n" % port)


def test_known_key_type_preferred(env, sshd):
    # Only the server's RSA key is on file: ask for RSA first, as ssh does,
    # rather than failing on the unknown Ed25519 key.
    pub = (sshd.dir / "hostkey_rsa.pub").read_text().split()
    env.known.write_text(f"[127.0.0.1]:{sshd.port} {pub[0]} {pub[1]}\n")
    r = env.sluice(["-o", "StrictHostKeyChecking=yes", "-v"], ["echo", "rsa"])
    assert r.returncode == 0, r.stderr
    assert r.stdout == b"rsa\n"
    assert b"host key rsa-sha2-512 " in r.stderr


def test_server_alive_answered(env):
    r = env.sluice(["-o", "ServerAliveInterval=1", "-o", "ServerAliveCountMax=1"],
                   ["sleep 3; echo alive"])
    assert r.returncode == 0, r.stderr
    assert r.stdout == b"alive\n"


def test_sigterm(env):
    p = subprocess.Popen([binary("sluice"), "-p", str(env.sshd.port), "-i", str(env.key),
                          "127.0.0.1", "sleep 30"], env=env.env(), stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(1.5)
    p.terminate()
    assert p.wait(10) == 255
    assert p.stderr.read() == b""  # as ssh
