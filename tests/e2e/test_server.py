"""sluiced against the real OpenSSH client.

Each test starts our sluiced on a free loopback port (-D -e -f CFG -p PORT)
with a host key and authorized_keys in tmp_path, and drives it with ssh,
sftp or a raw socket. Bytes are checked end to end (sha256 of what went in
and came out), not only exit codes. The tests run as root (PermitRootLogin
yes); the password tests create a throw-away user and remove it."""
import hashlib
import os
import pathlib
import secrets
import shutil
import signal
import socket
import subprocess
import threading
import time

import pytest

from conftest import free_port

SSH = shutil.which("ssh")
SFTP = shutil.which("sftp")
KEYGEN = shutil.which("ssh-keygen")
SFTP_SERVER = "/usr/lib/openssh/sftp-server"
IS_ROOT = os.geteuid() == 0

pytestmark = pytest.mark.skipif(SSH is None or KEYGEN is None,
                                reason="needs OpenSSH ssh and ssh-keygen")


def keygen(path, kind="ed25519", bits=None):
    argv = [KEYGEN, "-q", "-t", kind, "-N", "", "-f", str(path)]
    if bits:
        argv += ["-b", str(bits)]
    subprocess.run(argv, check=True, timeout=60)
    return path


class Server:
    def __init__(self, binary, tmp, extra="", keys=("ed25519",), args=(),
                 hostkey_kind="ed25519"):
        self.tmp = tmp
        self.port = free_port()
        self.hostkey = keygen(tmp / "host_ed25519", hostkey_kind)
        self.ak = tmp / "authorized_keys"
        self.client_keys = {}
        lines = []
        for kind in keys:
            k = keygen(tmp / f"id_{kind}", kind)
            self.client_keys[kind] = k
            lines.append((tmp / f"id_{kind}.pub").read_text())
        self.ak.write_text("".join(lines))
        self.kh = tmp / "known_hosts"
        self.kh.write_text(f"[127.0.0.1]:{self.port} "
                           f"{(tmp / 'host_ed25519.pub').read_text()}")
        self.cfg = tmp / "sshd_config"
        self.cfg.write_text(
            f"HostKey {self.hostkey}\n"
            f"AuthorizedKeysFile {self.ak}\n"
            "PermitRootLogin yes\n"
            "StrictModes no\n"
            "ListenAddress 127.0.0.1\n"
            "PidFile none\n"
            f"Subsystem sftp {SFTP_SERVER}\n" + extra)
        self.log = open(tmp / "sluiced.log", "wb")
        self.proc = subprocess.Popen(
            [binary, "-D", "-e", "-f", str(self.cfg), "-p", str(self.port)] + list(args),
            stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                assert self.proc.poll() is None, self.log_text()
                time.sleep(0.05)
        else:
            raise AssertionError("sluiced did not listen: " + self.log_text())

    def log_text(self):
        if not self.log.closed:
            self.log.flush()
        return (self.tmp / "sluiced.log").read_text(errors="replace")

    def ssh_argv(self, *cmd, key="ed25519", opts=()):
        argv = [SSH, "-F", "/dev/null", "-o", f"UserKnownHostsFile={self.kh}",
                "-o", "StrictHostKeyChecking=yes", "-o", "BatchMode=yes",
                "-o", "ConnectTimeout=10"]
        if key:
            argv += ["-o", "IdentitiesOnly=yes", "-i", str(self.client_keys.get(key, key))]
        for o in opts:
            argv += ["-o", o]
        return argv + ["-p", str(self.port), "root@127.0.0.1"] + list(cmd)

    def ssh(self, *cmd, input=None, timeout=60, **kw):
        return subprocess.run(self.ssh_argv(*cmd, **kw), input=input, capture_output=True,
                              timeout=timeout,
                              stdin=None if input is not None else subprocess.DEVNULL)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


@pytest.fixture
def server(sluiced, tmp_path):
    servers = []

    def start(extra="", keys=("ed25519",), args=(), hostkey_kind="ed25519"):
        d = tmp_path / f"srv{len(servers)}"
        d.mkdir()
        s = Server(sluiced, d, extra, keys, args, hostkey_kind)
        servers.append(s)
        return s

    yield start
    reports = []
    for s in servers:
        s.stop()
        text = s.log_text()
        if "Sanitizer" in text or "runtime error:" in text:
            reports.append(text)
    # under ASan/UBSan every process (listener and per-connection children)
    # reports into the log: any report fails the test
    assert not reports, reports[0][-4000:]


def test_echo(server):
    s = server()
    r = s.ssh("echo hi")
    assert r.returncode == 0, r.stderr + s.log_text().encode()
    assert r.stdout == b"hi\n"


def test_exit_status_and_stderr(server):
    s = server()
    r = s.ssh("echo out; echo err >&2; exit 3")
    assert r.returncode == 3
    assert r.stdout == b"out\n"
    assert r.stderr == b"err\n"


def test_exit_signal(server):
    s = server()
    r = s.ssh("kill -TERM $$")
    # ssh reports a remote signal as exit status 255 and says so
    assert r.returncode == 255
    assert b"killed by signal" in r.stderr or r.stderr == b"", r.stderr


def test_24mib_in_and_out(server):
    s = server()
    data = secrets.token_bytes(24 * 1024 * 1024)
    want = hashlib.sha256(data).hexdigest()
    r = s.ssh("sha256sum", input=data)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split()[0].decode() == want
    r = s.ssh("cat", input=data)
    assert r.returncode == 0, r.stderr
    assert hashlib.sha256(r.stdout).hexdigest() == want
    f = s.tmp / "blob"
    f.write_bytes(data)
    r = s.ssh(f"cat {f}")
    assert hashlib.sha256(r.stdout).hexdigest() == want


@pytest.mark.parametrize("kind,alg", [
    ("ed25519", None), ("ecdsa", None),
    ("rsa", "rsa-sha2-512"), ("rsa", "rsa-sha2-256"),
])
def test_user_key_types(server, kind, alg):
    s = server(keys=(kind,))
    opts = [f"PubkeyAcceptedAlgorithms={alg}"] if alg else []
    r = s.ssh("echo ok", key=kind, opts=opts)
    assert r.returncode == 0, r.stderr + s.log_text().encode()
    assert r.stdout == b"ok\n"


@pytest.mark.parametrize("kind", ["rsa", "ecdsa"])
def test_host_key_types(server, kind):
    s = server(hostkey_kind=kind)
    r = s.ssh("echo ok")
    assert r.returncode == 0, r.stderr
    assert r.stdout == b"ok\n"


def test_wrong_key(server, tmp_path):
    s = server()
    other = keygen(tmp_path / "other")
    r = s.ssh("echo no", key=str(other))
    assert r.returncode == 255
    assert b"Permission denied" in r.stderr
    assert r.stdout == b""


def test_unknown_user(server):
    s = server()
    argv = s.ssh_argv("echo no")
    argv[argv.index("root@127.0.0.1")] = "nosuchuser-sluice@127.0.0.1"
    r = subprocess.run(argv, capture_output=True, timeout=30, stdin=subprocess.DEVNULL)
    assert r.returncode == 255
    assert b"Permission denied" in r.stderr


def test_strict_modes(server):
    s = server(extra="")
    # StrictModes yes in a Match-free config needs the file's mode right:
    s.stop()
    cfg = s.cfg.read_text().replace("StrictModes no", "StrictModes yes")
    s.cfg.write_text(cfg)
    os.chmod(s.ak, 0o666)
    s2 = Server.__new__(Server)
    s2.__dict__.update(s.__dict__)
    s2.log = open(s.tmp / "sluiced2.log", "wb")
    s2.proc = subprocess.Popen([s.proc.args[0], "-D", "-e", "-f", str(s.cfg), "-p", str(s.port)],
                               stdout=s2.log, stderr=subprocess.STDOUT)
    try:
        time.sleep(0.5)
        r = s2.ssh("echo no")
        assert r.returncode == 255
        assert b"Permission denied" in r.stderr
        s2.log.flush()
        assert "bad ownership or modes" in (s.tmp / "sluiced2.log").read_text()
    finally:
        s2.stop()


def test_forced_command(server):
    s = server()
    pub = s.ak.read_text()
    s.ak.write_text('command="echo forced:$SSH_ORIGINAL_COMMAND" ' + pub)
    r = s.ssh("echo asked")
    assert r.returncode == 0, r.stderr
    assert r.stdout == b"forced:echo asked\n"


def test_force_command_config(server):
    s = server(extra="ForceCommand echo config-forced\n")
    r = s.ssh("echo asked")
    assert r.stdout == b"config-forced\n"


def test_environment(server):
    s = server(extra="AcceptEnv LC_SLUICE\n")
    env = dict(os.environ, LC_SLUICE="passed", LC_OTHER="dropped")
    r = subprocess.run(s.ssh_argv("echo $USER $HOME $LC_SLUICE x$LC_OTHER; echo $SSH_CONNECTION",
                                  opts=["SendEnv=LC_SLUICE", "SendEnv=LC_OTHER"]),
                       capture_output=True, timeout=30, env=env, stdin=subprocess.DEVNULL)
    lines = r.stdout.decode().splitlines()
    assert lines[0] == "root /root passed x"
    parts = lines[1].split()
    assert parts[0] == "127.0.0.1" and parts[2] == "127.0.0.1" and parts[3] == str(s.port)


def test_pty(server):
    s = server()
    argv = s.ssh_argv("tty")
    argv.insert(1, "-tt")
    r = subprocess.run(argv, capture_output=True, timeout=30, stdin=subprocess.DEVNULL)
    assert r.returncode == 0, r.stderr
    out = r.stdout.decode().strip()
    assert out.startswith("/dev/pts/"), out


def test_no_pty_option(server):
    s = server()
    s.ak.write_text("no-pty " + s.ak.read_text())
    argv = s.ssh_argv("tty")
    argv.insert(1, "-tt")
    r = subprocess.run(argv, capture_output=True, timeout=30, stdin=subprocess.DEVNULL)
    # OpenSSH's client gives up when a forced (-tt) pty is refused
    assert b"PTY allocation request failed" in r.stderr
    assert b"/dev/pts" not in r.stdout


@pytest.mark.skipif(SFTP is None or not os.path.exists(SFTP_SERVER), reason="needs sftp")
def test_sftp_put_get(server):
    s = server()
    data = secrets.token_bytes(3 * 1024 * 1024 + 17)
    src = s.tmp / "up"
    src.write_bytes(data)
    batch = s.tmp / "batch"
    batch.write_text(f"put {src} {s.tmp / 'remote'}\nget {s.tmp / 'remote'} {s.tmp / 'down'}\n")
    argv = [SFTP, "-F", "/dev/null", "-o", f"UserKnownHostsFile={s.kh}",
            "-o", "StrictHostKeyChecking=yes", "-o", "BatchMode=yes",
            "-i", str(s.client_keys["ed25519"]), "-P", str(s.port), "-b", str(batch),
            "root@127.0.0.1"]
    r = subprocess.run(argv, capture_output=True, timeout=60, stdin=subprocess.DEVNULL)
    assert r.returncode == 0, r.stderr + s.log_text().encode()
    want = hashlib.sha256(data).hexdigest()
    assert hashlib.sha256((s.tmp / "remote").read_bytes()).hexdigest() == want
    assert hashlib.sha256((s.tmp / "down").read_bytes()).hexdigest() == want


def test_concurrent_connections(server):
    s = server()
    a = subprocess.Popen(s.ssh_argv("sleep 1; echo A"), stdout=subprocess.PIPE,
                         stdin=subprocess.DEVNULL)
    b = subprocess.Popen(s.ssh_argv("sleep 1; echo B"), stdout=subprocess.PIPE,
                         stdin=subprocess.DEVNULL)
    t0 = time.time()
    assert a.communicate(timeout=30)[0] == b"A\n"
    assert b.communicate(timeout=30)[0] == b"B\n"
    assert time.time() - t0 < 10


def test_garbage_client_does_not_hurt_others(server):
    s = server()
    slow = subprocess.Popen(s.ssh_argv("sleep 2; echo still-here"), stdout=subprocess.PIPE,
                            stdin=subprocess.DEVNULL)
    time.sleep(0.5)
    raw = socket.create_connection(("127.0.0.1", s.port), timeout=5)
    raw.settimeout(5)
    assert raw.recv(256).startswith(b"SSH-2.0-")
    raw.sendall(b"SSH-2.0-garbage\r\n" + b"\x00\x00\x00\x0c\x0a" + secrets.token_bytes(4000))
    t0 = time.time()
    got = b""
    try:
        while True:
            chunk = raw.recv(4096)
            if not chunk:
                break
            got += chunk
    except ConnectionResetError:
        pass
    raw.close()
    assert time.time() - t0 < 5
    out, _ = slow.communicate(timeout=30)
    assert out == b"still-here\n"
    assert slow.returncode == 0


def test_login_grace_time(server):
    s = server(extra="LoginGraceTime 2\n")
    raw = socket.create_connection(("127.0.0.1", s.port), timeout=10)
    raw.settimeout(10)
    t0 = time.time()
    try:
        while raw.recv(4096):
            pass
    except ConnectionResetError:
        pass
    elapsed = time.time() - t0
    raw.close()
    assert 1.5 < elapsed < 3.5, elapsed
    deadline = time.time() + 3
    while "Timeout before authentication" not in s.log_text() and time.time() < deadline:
        time.sleep(0.1)
    assert "Timeout before authentication" in s.log_text()


def test_forwarding_refused_session_stays(server):
    s = server()
    argv = s.ssh_argv("sleep 1; echo alive")
    lport = free_port()
    argv.insert(1, "-L")
    argv.insert(2, f"{lport}:127.0.0.1:9")
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         stdin=subprocess.DEVNULL)
    deadline = time.time() + 5
    while time.time() < deadline:
        try:
            c = socket.create_connection(("127.0.0.1", lport), timeout=2)
            c.settimeout(3)
            try:
                c.recv(10)
            except OSError:
                pass
            c.close()
            break
        except OSError:
            time.sleep(0.05)
    out, err = p.communicate(timeout=30)
    assert out == b"alive\n"
    assert b"administratively prohibited" in err
    assert "refused direct-tcpip" in s.log_text()


def test_max_sessions_zero(server):
    s = server(extra="MaxSessions 0\n")
    r = s.ssh("echo no")
    assert r.returncode == 255
    assert r.stdout == b""


def test_check_config_error(sluiced, tmp_path):
    cfg = tmp_path / "bad_config"
    cfg.write_text("Port 22\nNoSuchKeyword yes\n")
    r = subprocess.run([sluiced, "-t", "-f", str(cfg)], capture_output=True, text=True,
                       timeout=10)
    assert r.returncode == 255
    assert f"{cfg}: line 2: Bad configuration option: NoSuchKeyword" in r.stderr
    r = subprocess.run([sluiced, "-t", "-f", str(cfg), "-o", "Port=2222"],
                       capture_output=True, text=True, timeout=10)
    assert r.returncode == 255
    assert "line 2" in r.stderr


def test_command_line_o_wins(sluiced, tmp_path):
    cfg = tmp_path / "cfg"
    cfg.write_text("MaxAuthTries 4\n")
    r = subprocess.run([sluiced, "-T", "-f", str(cfg), "-o", "MaxAuthTries=2"],
                       capture_output=True, text=True, timeout=10)
    assert r.returncode == 0, r.stderr
    assert "maxauthtries 2\n" in r.stdout


def test_pid_file_and_sigterm(sluiced, tmp_path):
    hk = keygen(tmp_path / "hk")
    pid = tmp_path / "pid"
    port = free_port()
    cfg = tmp_path / "cfg"
    cfg.write_text(f"HostKey {hk}\nListenAddress 127.0.0.1\nPidFile {pid}\n")
    p = subprocess.Popen([sluiced, "-D", "-f", str(cfg), "-p", str(port)],
                         stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 5
        while not pid.exists() and time.time() < deadline:
            time.sleep(0.05)
        assert int(pid.read_text()) == p.pid
        p.send_signal(signal.SIGTERM)
        assert p.wait(timeout=10) == 0
        assert not pid.exists()
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()


# ---- passwords: a throw-away user ----

@pytest.fixture
def test_user(tmp_path):
    if not IS_ROOT or shutil.which("useradd") is None:
        pytest.skip("needs root and useradd")
    name = "sluicet" + secrets.token_hex(3)
    password = "pw-" + secrets.token_hex(8)
    subprocess.run(["useradd", "-m", "-s", "/bin/sh", name], check=True, timeout=30)
    try:
        subprocess.run(["chpasswd"], input=f"{name}:{password}\n".encode(), check=True,
                       timeout=30)
        yield name, password
    finally:
        # the user's connection processes may linger a moment after the
        # client left (userdel refuses while they run)
        for _ in range(50):
            if subprocess.run(["userdel", "-r", name], capture_output=True,
                              timeout=30).returncode in (0, 6):
                break
            time.sleep(0.2)
        else:
            subprocess.run(["userdel", "-r", "-f", name], capture_output=True, timeout=30)


def askpass_env(tmp_path, password):
    script = tmp_path / "askpass.sh"
    script.write_text(f"#!/bin/sh\necho '{password}'\n")
    script.chmod(0o700)
    return dict(os.environ, SSH_ASKPASS=str(script), SSH_ASKPASS_REQUIRE="force",
                DISPLAY=":0")


def password_ssh(s, user, method, env, cmd):
    argv = [SSH, "-F", "/dev/null", "-o", f"UserKnownHostsFile={s.kh}",
            "-o", "StrictHostKeyChecking=yes", "-o", "PubkeyAuthentication=no",
            "-o", f"PreferredAuthentications={method}", "-o", "NumberOfPasswordPrompts=1",
            "-p", str(s.port), f"{user}@127.0.0.1", cmd]
    return subprocess.run(argv, capture_output=True, timeout=60, env=env,
                          stdin=subprocess.DEVNULL, start_new_session=True)


def pam_blocked_by_asan(binary):
    """ASan intercepts crypt_r and resolves the real one at start-up; when
    libcrypt is only dlopen'ed later (by pam_unix.so), the interceptor calls
    NULL. Linking sluiced with -lpam -lcrypt (CMakeLists) removes this."""
    data = pathlib.Path(binary).read_bytes()
    if b"__asan_init" not in data:
        return False
    ldd = subprocess.run(["ldd", binary], capture_output=True, text=True).stdout
    return "libcrypt.so" not in ldd


@pytest.mark.parametrize("use_pam", ["no", "yes"])
@pytest.mark.parametrize("method", ["password", "keyboard-interactive"])
def test_password_auth(server, sluiced, test_user, tmp_path, use_pam, method):
    name, password = test_user
    if use_pam == "yes" and pam_blocked_by_asan(sluiced):
        pytest.skip("ASan build without libcrypt linked: PAM's crypt_r hits a NULL interceptor")
    s = server(extra=f"PasswordAuthentication yes\nKbdInteractiveAuthentication yes\n"
                     f"UsePAM {use_pam}\n")
    r = password_ssh(s, name, method, askpass_env(tmp_path, password), "id -un; echo $HOME")
    assert r.returncode == 0, r.stderr + s.log_text().encode()
    assert r.stdout.decode().splitlines() == [name, f"/home/{name}"]
    # privileges are dropped: the session cannot become root again
    r = password_ssh(s, name, method, askpass_env(tmp_path, password),
                     "cat /etc/shadow >/dev/null 2>&1 && echo leak || echo denied")
    assert r.stdout == b"denied\n"
    bad = password_ssh(s, name, method, askpass_env(tmp_path, "wrong"), "echo no")
    assert bad.returncode == 255
    assert b"Permission denied" in bad.stderr


def test_user_publickey_in_home(server, test_user, tmp_path):
    """AuthorizedKeysFile default under the user's home, read as the user,
    with StrictModes on."""
    name, _ = test_user
    s = server(extra="")
    s.stop()
    home = pathlib.Path(f"/home/{name}")
    ssh_dir = home / ".ssh"
    ssh_dir.mkdir(mode=0o700)
    (ssh_dir / "authorized_keys").write_text(s.ak.read_text())
    shutil.chown(ssh_dir, name, name)
    shutil.chown(ssh_dir / "authorized_keys", name, name)
    cfg = s.cfg.read_text().replace(f"AuthorizedKeysFile {s.ak}\n", "").replace(
        "StrictModes no", "StrictModes yes")
    s.cfg.write_text(cfg)
    s.log = open(s.tmp / "sluiced2.log", "wb")
    s.proc = subprocess.Popen([s.proc.args[0], "-D", "-e", "-f", str(s.cfg), "-p", str(s.port)],
                              stdout=s.log, stderr=subprocess.STDOUT)
    time.sleep(0.5)
    argv = s.ssh_argv("id -un")
    argv[argv.index("root@127.0.0.1")] = f"{name}@127.0.0.1"
    r = subprocess.run(argv, capture_output=True, timeout=30, stdin=subprocess.DEVNULL)
    assert r.returncode == 0, r.stderr
    assert r.stdout == f"{name}\n".encode()
    # root's own login does not find the user's file
    r = s.ssh("echo no")
    assert r.returncode == 255


def test_banner(server):
    s = server()
    banner = s.tmp / "banner"
    banner.write_text("Welcome to sluiced\n")
    s2 = server(extra=f"Banner {banner}\n")
    argv = s2.ssh_argv("echo ok")
    argv.insert(1, "-o")
    argv.insert(2, "LogLevel=INFO")
    r = subprocess.run(argv, capture_output=True, timeout=30, stdin=subprocess.DEVNULL)
    assert r.stdout == b"ok\n"
    assert b"Welcome to sluiced" in r.stderr


def test_keepalive_requests_answered(server):
    s = server()
    r = s.ssh("sleep 3; echo ok", opts=["ServerAliveInterval=1", "ServerAliveCountMax=2"])
    assert r.returncode == 0, r.stderr
    assert r.stdout == b"ok\n"


def test_sighup_rereads_config(server):
    s = server(extra="ForceCommand echo first\n")
    assert s.ssh("true").stdout == b"first\n"
    s.cfg.write_text(s.cfg.read_text().replace("echo first", "echo second"))
    s.proc.send_signal(signal.SIGHUP)
    deadline = time.time() + 5
    while "re-reading" not in s.log_text() and time.time() < deadline:
        time.sleep(0.05)
    time.sleep(0.2)
    assert s.ssh("true").stdout == b"second\n"


def test_max_startups(server):
    # past 1 unauthenticated connection, drop with probability 100%
    s = server(extra="MaxStartups 1:100:2\n")
    # the readiness probe's process may still count for a moment
    deadline = time.time() + 10
    while True:
        silent = socket.create_connection(("127.0.0.1", s.port), timeout=5)
        silent.settimeout(5)
        if silent.recv(256).startswith(b"SSH-2.0-") or time.time() > deadline:
            break
        silent.close()
        time.sleep(0.1)
    r = s.ssh("echo no", timeout=30)
    assert r.returncode == 255
    assert r.stdout == b""
    assert "past MaxStartups" in s.log_text()
    silent.close()
    deadline = time.time() + 10
    while time.time() < deadline:
        r = s.ssh("echo yes")
        if r.returncode == 0:
            break
        time.sleep(0.2)
    assert r.stdout == b"yes\n"


def test_debug_mode_serves_one_connection(sluiced, tmp_path):
    hk = keygen(tmp_path / "hk")
    ck = keygen(tmp_path / "ck")
    port = free_port()
    cfg = tmp_path / "cfg"
    cfg.write_text(f"HostKey {hk}\nListenAddress 127.0.0.1\nPidFile none\n"
                   f"AuthorizedKeysFile {tmp_path / 'ck.pub'}\nStrictModes no\n"
                   "PermitRootLogin yes\n")
    kh = tmp_path / "kh"
    kh.write_text(f"[127.0.0.1]:{port} {(tmp_path / 'hk.pub').read_text()}")
    p = subprocess.Popen([sluiced, "-d", "-f", str(cfg), "-p", str(port)],
                         stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    try:
        argv = [SSH, "-F", "/dev/null", "-o", f"UserKnownHostsFile={kh}", "-o",
                "BatchMode=yes", "-i", str(ck), "-p", str(port), "root@127.0.0.1", "echo d"]
        deadline = time.time() + 10
        while True:
            r = subprocess.run(argv, capture_output=True, timeout=30, stdin=subprocess.DEVNULL)
            if r.returncode == 0 or time.time() > deadline:
                break
            time.sleep(0.1)
        assert r.stdout == b"d\n", r.stderr
        assert p.wait(timeout=10) == 0
        err = p.stderr.read().decode()
        assert "Accepted publickey for root" in err
        assert "Sanitizer" not in err
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()


def test_non_root_server_serves_only_its_user(sluiced, test_user, tmp_path):
    """Run as an ordinary user with no HostKey configured: sluiced creates
    ~/.sluice/ssh_host_ed25519_key and lets in only that user."""
    import pwd
    name, _ = test_user
    pw = pwd.getpwnam(name)
    home = pathlib.Path(pw.pw_dir)
    work = home / "srv"
    work.mkdir()
    ck = keygen(work / "ck")
    cfg = work / "cfg"
    port = free_port()
    cfg.write_text(f"ListenAddress 127.0.0.1\nPidFile none\nAuthorizedKeysFile {work}/ck.pub\n"
                   "PermitRootLogin yes\n")
    for f in (work, ck, work / "ck.pub", cfg):
        os.chown(f, pw.pw_uid, pw.pw_gid)
    log = open(tmp_path / "log", "wb")
    p = subprocess.Popen([sluiced, "-D", "-e", "-f", str(cfg), "-p", str(port)],
                         stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                         user=pw.pw_uid, group=pw.pw_gid, extra_groups=[],
                         env={"HOME": str(home), "PATH": os.environ["PATH"]})
    try:
        gen = home / ".sluice" / "ssh_host_ed25519_key.pub"
        deadline = time.time() + 10
        while not gen.exists() and time.time() < deadline:
            time.sleep(0.05)
        assert gen.exists(), (tmp_path / "log").read_text()
        assert (home / ".sluice" / "ssh_host_ed25519_key").stat().st_uid == pw.pw_uid
        kh = tmp_path / "kh"
        kh.write_text(f"[127.0.0.1]:{port} {gen.read_text()}")
        base = [SSH, "-F", "/dev/null", "-o", f"UserKnownHostsFile={kh}", "-o",
                "StrictHostKeyChecking=yes", "-o", "BatchMode=yes", "-i", str(ck),
                "-p", str(port)]
        deadline = time.time() + 10
        while True:
            r = subprocess.run(base + [f"{name}@127.0.0.1", "id -un"], capture_output=True,
                               timeout=30, stdin=subprocess.DEVNULL)
            if r.returncode == 0 or time.time() > deadline:
                break
            time.sleep(0.1)
        assert r.stdout == f"{name}\n".encode(), r.stderr
        r = subprocess.run(base + ["root@127.0.0.1", "id -un"], capture_output=True,
                           timeout=30, stdin=subprocess.DEVNULL)
        assert r.returncode == 255
        assert b"Permission denied" in r.stderr
    finally:
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
        log.close()
    assert "Sanitizer" not in (tmp_path / "log").read_text()


@pytest.mark.parametrize("opt,ok", [
    ('from="127.0.0.1"', True), ('from="10.9.8.7"', False),
    ('expiry-time="20000101"', False), ('expiry-time="29990101"', True),
])
def test_key_options_from_and_expiry(server, opt, ok):
    s = server()
    s.ak.write_text(opt + " " + s.ak.read_text())
    r = s.ssh("echo in")
    if ok:
        assert r.stdout == b"in\n", r.stderr
    else:
        assert r.returncode == 255
        assert b"Permission denied" in r.stderr


@pytest.mark.parametrize("rule,ok", [
    ("DenyUsers root", False), ("AllowUsers nobody", False),
    ("AllowUsers root@127.0.0.1", True), ("DenyUsers nobody", True),
])
def test_allow_deny_users(server, rule, ok):
    s = server(extra=rule + "\n")
    r = s.ssh("echo in")
    assert (r.stdout == b"in\n") == ok, r.stderr


def test_permit_root_login_no(server):
    # the fixture's config says yes; -o comes first and wins
    s = server(args=("-o", "PermitRootLogin=no"))
    r = s.ssh("echo in")
    assert r.returncode == 255
    assert b"Permission denied" in r.stderr


def test_interactive_shell_on_pty(server):
    s = server()
    argv = s.ssh_argv()
    argv.insert(1, "-tt")
    p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    # type only once the shell shows its prompt (typeahead before the shell
    # sets up its terminal is a race in any server)
    out = b""
    deadline = time.time() + 20
    os.set_blocking(p.stdout.fileno(), False)
    while b"# " not in out and time.time() < deadline:
        try:
            chunk = os.read(p.stdout.fileno(), 4096)
            if chunk == b"":
                break
            out += chunk
        except BlockingIOError:
            time.sleep(0.05)
    p.stdin.write(b"echo $((6*7)); exit 5\n")
    p.stdin.flush()
    deadline = time.time() + 20
    while time.time() < deadline:
        try:
            chunk = os.read(p.stdout.fileno(), 4096)
            if chunk == b"":
                break
            out += chunk
        except BlockingIOError:
            time.sleep(0.05)
    p.stdin.close()
    assert p.wait(timeout=20) == 5
    assert b"42\r\n" in out, out


def test_unknown_subsystem(server):
    s = server()
    argv = s.ssh_argv("nosuch")
    argv.insert(1, "-s")
    r = subprocess.run(argv, capture_output=True, timeout=30, stdin=subprocess.DEVNULL)
    assert r.returncode != 0
    assert b"subsystem request failed" in r.stderr


def test_client_alive(server):
    s = server(extra="ClientAliveInterval 1\nClientAliveCountMax 2\n")
    # an answering client stays
    r = s.ssh("sleep 3; echo ok")
    assert r.stdout == b"ok\n", r.stderr
    # a stopped client is dropped after about 3 s
    p = subprocess.Popen(s.ssh_argv("sleep 30"), stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    try:
        deadline = time.time() + 10
        while s.log_text().count("Accepted publickey") < 2 and time.time() < deadline:
            time.sleep(0.05)
        time.sleep(0.3)
        p.send_signal(signal.SIGSTOP)
        deadline = time.time() + 10
        while "Timeout, client not responding" not in s.log_text() and time.time() < deadline:
            time.sleep(0.1)
        assert "Timeout, client not responding" in s.log_text()
    finally:
        p.send_signal(signal.SIGCONT)
        p.communicate(timeout=30)
    assert p.returncode == 255


def test_pam_conversation_abandoned(server, sluiced, test_user, tmp_path):
    """A client that goes away while PAM waits for its answer: the
    connection process must not hang on the blocked conversation."""
    if pam_blocked_by_asan(sluiced):
        pytest.skip("ASan build without libcrypt linked")
    name, _ = test_user
    s = server(extra="KbdInteractiveAuthentication yes\nUsePAM yes\n")
    script = tmp_path / "slow_askpass.sh"
    script.write_text("#!/bin/sh\nsleep 30\n")
    script.chmod(0o700)
    env = dict(os.environ, SSH_ASKPASS=str(script), SSH_ASKPASS_REQUIRE="force", DISPLAY=":0")
    argv = [SSH, "-F", "/dev/null", "-o", f"UserKnownHostsFile={s.kh}",
            "-o", "StrictHostKeyChecking=yes", "-o", "PubkeyAuthentication=no",
            "-o", "PreferredAuthentications=keyboard-interactive",
            "-p", str(s.port), f"{name}@127.0.0.1", "true"]
    p = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, start_new_session=True)
    time.sleep(1.5)
    os.killpg(p.pid, signal.SIGKILL)
    p.wait()
    deadline = time.time() + 10
    while time.time() < deadline:
        kids = subprocess.run(["ps", "--ppid", str(s.proc.pid), "-o", "pid="],
                              capture_output=True, text=True).stdout.split()
        if not kids:
            break
        time.sleep(0.1)
    assert not kids, s.log_text()


def test_match_user_disables_password(server, test_user, tmp_path):
    name, password = test_user
    s = server(extra=f"PasswordAuthentication yes\nUsePAM no\n"
                     f"Match User {name}\n  PasswordAuthentication no\n")
    r = password_ssh(s, name, "password", askpass_env(tmp_path, password), "echo in")
    assert r.returncode == 255
    assert b"Permission denied" in r.stderr
    assert r.stdout == b""


def test_pty_modes_and_size_from_client(server):
    """The client's terminal (a local pty here) is mirrored: erase
    character from pty-req's modes, window size."""
    import fcntl
    import pty
    import struct
    import termios
    s = server()
    master, slave = pty.openpty()
    attrs = termios.tcgetattr(slave)
    attrs[6][termios.VERASE] = b"\x08"
    termios.tcsetattr(slave, termios.TCSANOW, attrs)
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 33, 111, 0, 0))
    argv = s.ssh_argv("stty -a")
    argv.insert(1, "-t")
    p = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, start_new_session=True)
    os.close(slave)
    out = b""
    deadline = time.time() + 20
    while time.time() < deadline:
        try:
            chunk = os.read(master, 4096)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    p.wait(timeout=20)
    os.close(master)
    assert b"rows 33; columns 111" in out, out
    assert b"erase = ^H" in out, out
