"""The SSH transport (src/core over src/io/sshio) against real OpenSSH, both
ways, for every key exchange, cipher, MAC and host key algorithm we offer.

- sshprobe connect -> sshd: the probe prints what was negotiated and gets
  the ssh-userauth service; sshd must agree (its DEBUG3 log is checked for
  packet or MAC errors).
- ssh -> sshprobe serve: ssh -vvv must report the same algorithms and
  SSH2_MSG_SERVICE_ACCEPT.
- sshprobe -> sshprobe: the same matrix plus a key re-exchange over real
  sockets. (OpenSSH refuses re-exchange before user authentication -- it
  answers KEXINIT with UNIMPLEMENTED -- so against OpenSSH the rekey step
  waits for user authentication in the core.)
"""
import os
import pathlib
import re
import select
import shutil
import signal
import subprocess
import time

import pytest

from conftest import binary, free_port

SSHD = "/usr/sbin/sshd"
SSH = shutil.which("ssh")
SSH_KEYGEN = shutil.which("ssh-keygen")
pytestmark = pytest.mark.skipif(SSH_KEYGEN is None, reason="ssh-keygen is not installed")
needs_ssh = pytest.mark.skipif(SSH is None, reason="ssh is not installed")

SANITIZER_MARKS = ("AddressSanitizer", "LeakSanitizer", "runtime error", "Sanitizer")

DEFAULT_KEX = "curve25519-sha256"
DEFAULT_CIPHER = "chacha20-poly1305@openssh.com"
DEFAULT_HOSTKEY = "ssh-ed25519"
IMPLICIT = "<implicit>"

KEXES = [
    "curve25519-sha256",
    "curve25519-sha256@libssh.org",
    "ecdh-sha2-nistp256",
    "ecdh-sha2-nistp384",
    "ecdh-sha2-nistp521",
    "diffie-hellman-group14-sha256",
    "diffie-hellman-group16-sha512",
    "diffie-hellman-group18-sha512",
    "diffie-hellman-group14-sha1",
]
AEADS = ["chacha20-poly1305@openssh.com", "aes128-gcm@openssh.com", "aes256-gcm@openssh.com"]
CTRS = ["aes128-ctr", "aes256-ctr"]
MACS = [
    "hmac-sha2-256",
    "hmac-sha2-512",
    "hmac-sha2-256-etm@openssh.com",
    "hmac-sha2-512-etm@openssh.com",
    "hmac-sha1",
]
# host key algorithm -> key file stem
HOSTKEYS = {
    "ssh-ed25519": "ed25519",
    "ecdsa-sha2-nistp256": "ecdsa256",
    "ecdsa-sha2-nistp384": "ecdsa384",
    "ecdsa-sha2-nistp521": "ecdsa521",
    "rsa-sha2-512": "rsa",
    "rsa-sha2-256": "rsa",
}
KEYGEN_ARGS = {
    "ed25519": ["-t", "ed25519"],
    "ecdsa256": ["-t", "ecdsa", "-b", "256"],
    "ecdsa384": ["-t", "ecdsa", "-b", "384"],
    "ecdsa521": ["-t", "ecdsa", "-b", "521"],
    "rsa": ["-t", "rsa", "-b", "2048"],
}

# Everything the core implements, for the probe as a server: the client's
# list alone then decides.
ALL_KEX = ",".join(KEXES)
ALL_CIPHERS = ",".join(AEADS + CTRS)
ALL_MACS = ",".join(MACS)
ALL_HOSTKEYS = ",".join(HOSTKEYS)


def _cases():
    """(kex, cipher, mac, hostkey): each algorithm once with defaults for the
    rest, and every CTR cipher with every MAC."""
    seen, out = set(), []

    def add(kex=DEFAULT_KEX, cipher=DEFAULT_CIPHER, mac=IMPLICIT, hostkey=DEFAULT_HOSTKEY):
        case = (kex, cipher, mac, hostkey)
        if case not in seen:
            seen.add(case)
            out.append(pytest.param(*case, id=f"{kex}|{cipher}|{mac}|{hostkey}"))

    for k in KEXES:
        add(kex=k)
    for c in AEADS:
        add(cipher=c)
    for c in CTRS:
        for m in MACS:
            add(cipher=c, mac=m)
    for h in HOSTKEYS:
        add(hostkey=h)
    return out


CASES = _cases()


def assert_clean(stderr, returncode):
    for mark in SANITIZER_MARKS:
        assert mark not in stderr, stderr
    assert returncode >= 0, f"killed by signal {-returncode}: {stderr}"


def probe_lists(kex, cipher, mac, hostkey):
    args = ["--kex", kex, "--ciphers", cipher, "--hostkeyalgs", hostkey]
    if mac != IMPLICIT:
        args += ["--macs", mac]
    return args


def parse_probe(stdout):
    out = {}
    for line in stdout.splitlines():
        if "=" in line:
            k, v = line.split("=", 1)
            out.setdefault(k, v)
    return out


def assert_negotiated(got, kex, cipher, mac, hostkey):
    assert got.get("kex") == kex, got
    assert got.get("hostkey") == hostkey, got
    assert got.get("cipher") == cipher, got
    assert got.get("mac") == mac, got


@pytest.fixture(scope="module")
def hostkeys(tmp_path_factory):
    d = tmp_path_factory.mktemp("hostkeys")
    keys = {}
    for stem, args in KEYGEN_ARGS.items():
        path = d / f"hk_{stem}"
        subprocess.run(
            [SSH_KEYGEN, "-q", *args, "-N", "", "-C", stem, "-f", str(path)],
            check=True,
            capture_output=True,
        )
        keys[stem] = path
    return keys


@pytest.fixture(scope="module")
def sshd(tmp_path_factory, hostkeys):
    """A real sshd on a free loopback port with every host key type, logging
    at DEBUG3 to a file; killed (only this pid) at the end."""
    if not os.path.exists(SSHD) or os.geteuid() != 0:
        pytest.skip("needs OpenSSH sshd and root (privilege separation)")
    d = tmp_path_factory.mktemp("sshd")
    os.makedirs("/run/sshd", mode=0o755, exist_ok=True)
    cfg = d / "sshd_config"
    cfg.write_text(
        "".join(f"HostKey {p}\n" for p in hostkeys.values())
        + "PidFile none\nUsePAM no\nStrictModes no\nListenAddress 127.0.0.1\n"
        + "AuthorizedKeysFile none\nPasswordAuthentication no\n"
    )
    log = d / "sshd.log"
    for _ in range(5):
        port = free_port()
        with open(log, "wb") as logf:
            proc = subprocess.Popen(
                [SSHD, "-D", "-e", "-f", str(cfg), "-p", str(port),
                 "-o", "LogLevel=DEBUG3",
                 "-o", "KexAlgorithms=+diffie-hellman-group14-sha1",
                 "-o", "HostKeyAlgorithms=" + ALL_HOSTKEYS,
                 "-o", "MACs=+hmac-sha1"],
                stdin=subprocess.DEVNULL, stdout=logf, stderr=logf,
                start_new_session=True,
            )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and proc.poll() is None:
            if "Server listening on" in log.read_text(errors="replace"):
                break
            time.sleep(0.02)
        if proc.poll() is None:
            break
        # lost the port to someone else: try another
    else:
        pytest.fail("sshd did not start: " + log.read_text(errors="replace"))
    yield {"port": port, "log": log, "proc": proc, "config": cfg}
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def sshd_log_ok(log):
    text = log.read_text(errors="replace")
    for bad in ("Corrupted MAC", "Bad packet length", "incorrect signature",
                "ssh_dispatch_run_fatal", "padding error", "message authentication code incorrect"):
        assert bad not in text, bad
    return text


def run_probe(args, timeout=60):
    r = subprocess.run(
        [binary("sshprobe"), *map(str, args)],
        capture_output=True, text=True, errors="replace", timeout=timeout,
        stdin=subprocess.DEVNULL, start_new_session=True,
    )
    assert_clean(r.stderr, r.returncode)
    return r


class Server:
    """sshprobe serve on an ephemeral port; stop() returns (rc, stdout, stderr)."""

    def __init__(self, args):
        self.proc = subprocess.Popen(
            [binary("sshprobe"), "serve", "0", *map(str, args)],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, errors="replace", start_new_session=True,
        )
        ready, _, _ = select.select([self.proc.stdout], [], [], 20)
        line = self.proc.stdout.readline() if ready else ""
        m = re.match(r"listening port=(\d+)", line)
        if not m:
            self.proc.kill()
            raise AssertionError(f"sshprobe serve did not start: {line!r} "
                                 f"{self.proc.stderr.read()}")
        self.port = int(m.group(1))

    def stop(self, timeout=20):
        try:
            out, err = self.proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out, err = self.proc.communicate()
            raise AssertionError(f"sshprobe serve did not finish: {out} {err}")
        assert_clean(err, self.proc.returncode)
        return self.proc.returncode, out, err

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.communicate()


# ---- sshprobe -> OpenSSH sshd ----

@pytest.mark.parametrize("kex,cipher,mac,hostkey", CASES)
def test_probe_to_sshd(sshd, hostkeys, kex, cipher, mac, hostkey):
    pub = f"{hostkeys[HOSTKEYS[hostkey]]}.pub"
    r = run_probe(["connect", "127.0.0.1", sshd["port"], "--hostkey", pub, "--no-rekey",
                   *probe_lists(kex, cipher, mac, hostkey)])
    assert r.returncode == 0, r.stderr
    got = parse_probe(r.stdout)
    assert_negotiated(got, kex, cipher, mac, hostkey)
    assert got.get("service") == "accepted", r.stdout
    text = sshd_log_ok(sshd["log"])
    assert f"kex: algorithm: {kex}" in text
    assert f"kex: host key algorithm: {hostkey}" in text


def test_probe_to_sshd_wrong_hostkey(sshd, hostkeys):
    # sshd offers its ed25519 key; we expect the ecdsa one.
    r = run_probe(["connect", "127.0.0.1", sshd["port"],
                   "--hostkey", f"{hostkeys['ecdsa256']}.pub", "--hostkeyalgs", "ssh-ed25519"])
    assert r.returncode == 255
    assert "Host key verification failed." in r.stderr
    assert "service=" not in r.stdout


def test_probe_to_sshd_rsa_key_any_signature(sshd, hostkeys):
    """One RSA key serves both rsa-sha2 signature algorithms; with both
    offered the first wins."""
    r = run_probe(["connect", "127.0.0.1", sshd["port"], "--hostkey",
                   f"{hostkeys['rsa']}.pub", "--no-rekey",
                   "--hostkeyalgs", "rsa-sha2-256,rsa-sha2-512"])
    assert r.returncode == 0, r.stderr
    assert parse_probe(r.stdout)["hostkey"] == "rsa-sha2-256"


def test_probe_to_sshd_no_common_kex(sshd, hostkeys):
    r = run_probe(["connect", "127.0.0.1", sshd["port"], "--hostkey",
                   f"{hostkeys['ed25519']}.pub", "--kex", "no-such-kex@example.com"])
    assert r.returncode == 255
    assert "no matching" in r.stderr


@pytest.mark.parametrize("hostkey", ["ssh-ed25519", "rsa-sha2-512"])
def test_probe_proxy_sshd_inetd(sshd, hostkeys, hostkey):
    """Two pipes instead of a socket (ProxyCommand style) to sshd -i, with
    the host key answered late from a timer (as a prompt would)."""
    pub = f"{hostkeys[HOSTKEYS[hostkey]]}.pub"
    r = run_probe(["proxy", "--hostkey", pub, "--no-rekey", "--verdict-delay", "300",
                   "--hostkeyalgs", hostkey, "--",
                   SSHD, "-i", "-f", sshd["config"], "-o", "LogLevel=ERROR"])
    assert r.returncode == 0, r.stderr
    got = parse_probe(r.stdout)
    assert_negotiated(got, DEFAULT_KEX, DEFAULT_CIPHER, IMPLICIT, hostkey)
    assert got.get("service") == "accepted"


def test_probe_connect_refused(hostkeys):
    port = free_port()  # nothing listens there now
    r = run_probe(["connect", "127.0.0.1", port, "--hostkey", f"{hostkeys['ed25519']}.pub"],
                  timeout=30)
    assert r.returncode == 255
    assert f"connect to host 127.0.0.1 port {port}: connection refused" in r.stderr.lower()


def test_probe_connect_timeout(hostkeys):
    """ConnectTimeout: a listener whose accept queue is full drops our SYN,
    so only the timer can end the attempt."""
    import socket

    with socket.socket() as lst:
        lst.bind(("127.0.0.1", 0))
        lst.listen(0)
        port = lst.getsockname()[1]
        fill = []
        try:
            for _ in range(8):
                s = socket.socket()
                s.setblocking(False)
                fill.append(s)
                try:
                    s.connect(("127.0.0.1", port))
                except BlockingIOError:
                    pass
            time.sleep(0.2)
            t0 = time.monotonic()
            r = run_probe(["connect", "127.0.0.1", port, "--hostkey",
                           f"{hostkeys['ed25519']}.pub", "--connect-timeout", "500"])
            elapsed = time.monotonic() - t0
        finally:
            for s in fill:
                s.close()
    if "timed out" not in r.stderr:
        pytest.skip(f"this kernel did not drop the SYN: {r.stderr}")
    assert r.returncode == 255
    assert f"connect to host 127.0.0.1 port {port}: connection timed out" in r.stderr
    assert 0.4 < elapsed < 5, elapsed


# ---- OpenSSH ssh -> sshprobe serve ----

def ssh_to_probe(tmp_path, hostkeys, server, kex, cipher, mac, hostkey):
    stem = HOSTKEYS[hostkey]
    kh = tmp_path / "known_hosts"
    kh.write_text(f"[127.0.0.1]:{server.port} "
                  + pathlib.Path(f"{hostkeys[stem]}.pub").read_text())
    args = [SSH, "-vvv", "-F", "/dev/null", "-p", str(server.port), "-N",
            "-o", f"KexAlgorithms={kex}", "-o", f"Ciphers={cipher}",
            "-o", f"HostKeyAlgorithms={hostkey}",
            "-o", f"UserKnownHostsFile={kh}", "-o", "GlobalKnownHostsFile=/dev/null",
            "-o", "StrictHostKeyChecking=yes", "-o", "BatchMode=yes",
            "-o", "ConnectTimeout=10", "-o", "IdentitiesOnly=yes", "-o", "IdentityFile=none"]
    if mac != IMPLICIT:
        args += ["-o", f"MACs={mac}"]
    return subprocess.run(args + ["127.0.0.1"], capture_output=True, text=True,
                          errors="replace", timeout=30, stdin=subprocess.DEVNULL,
                          start_new_session=True)


def server_keys(hostkeys):
    args = []
    for stem in KEYGEN_ARGS:
        args += ["--hostkey", hostkeys[stem]]
    return args


@needs_ssh
@pytest.mark.parametrize("kex,cipher,mac,hostkey", CASES)
def test_ssh_to_probe(tmp_path, hostkeys, kex, cipher, mac, hostkey):
    server = Server([*server_keys(hostkeys), "--kex", ALL_KEX, "--ciphers", ALL_CIPHERS,
                     "--macs", ALL_MACS, "--hostkeyalgs", ALL_HOSTKEYS])
    try:
        r = ssh_to_probe(tmp_path, hostkeys, server, kex, cipher, mac, hostkey)
        rc, out, err = server.stop()
    finally:
        server.kill()
    e = r.stderr
    assert f"kex: algorithm: {kex}" in e, e
    assert f"kex: host key algorithm: {hostkey}" in e, e
    assert f"kex: server->client cipher: {cipher} MAC: {mac} compression: none" in e, e
    assert f"kex: client->server cipher: {cipher} MAC: {mac} compression: none" in e, e
    assert "SSH2_MSG_SERVICE_ACCEPT received" in e, e
    assert "Received disconnect from 127.0.0.1" in e and ":11: sshprobe: done" in e, e
    assert rc == 0, err
    assert_negotiated(parse_probe(out), kex, cipher, mac, hostkey)


@needs_ssh
def test_ssh_to_probe_unknown_hostkey(tmp_path, hostkeys):
    """ssh refuses our probe when known_hosts holds another key."""
    server = Server(["--hostkey", hostkeys["ed25519"]])
    try:
        kh = tmp_path / "known_hosts"
        other = pathlib.Path(f"{hostkeys['rsa']}.pub").read_text()
        kh.write_text(f"[127.0.0.1]:{server.port} {other}")
        r = subprocess.run(
            [SSH, "-F", "/dev/null", "-p", str(server.port), "-N",
             "-o", "HostKeyAlgorithms=ssh-ed25519,rsa-sha2-512",
             "-o", f"UserKnownHostsFile={kh}", "-o", "GlobalKnownHostsFile=/dev/null",
             "-o", "StrictHostKeyChecking=yes", "-o", "BatchMode=yes", "127.0.0.1"],
            capture_output=True, text=True, errors="replace", timeout=30,
            stdin=subprocess.DEVNULL, start_new_session=True)
        assert r.returncode == 255
        assert "Host key verification failed." in r.stderr
        # ssh checks the key before its NEWKEYS, so the exchange never
        # completes on our side: the stream just ends.
        rc, out, err = server.stop()
        assert rc == 255
        assert "Connection closed by remote host" in err
        assert "disconnect=" in out
    finally:
        server.kill()


# ---- sshprobe -> sshprobe, with key re-exchange ----

@pytest.mark.parametrize("kex,cipher,mac,hostkey", CASES)
def test_probe_to_probe_rekey(hostkeys, kex, cipher, mac, hostkey):
    server = Server([*server_keys(hostkeys), "--kex", ALL_KEX, "--ciphers", ALL_CIPHERS,
                     "--macs", ALL_MACS, "--hostkeyalgs", ALL_HOSTKEYS])
    try:
        pub = f"{hostkeys[HOSTKEYS[hostkey]]}.pub"
        r = run_probe(["connect", "127.0.0.1", server.port, "--hostkey", pub,
                       *probe_lists(kex, cipher, mac, hostkey)])
        rc, out, err = server.stop()
    finally:
        server.kill()
    assert r.returncode == 0, r.stderr
    got = parse_probe(r.stdout)
    assert_negotiated(got, kex, cipher, mac, hostkey)
    assert got.get("service") == "accepted"
    assert got.get("rekey") == "ok"
    assert rc == 0, err
    sgot = parse_probe(out)
    assert_negotiated(sgot, kex, cipher, mac, hostkey)
    assert sgot.get("rekey") == "ok"
    assert sgot.get("disconnect") == "Received disconnect: 11: sshprobe: done"


def test_probe_to_probe_server_rekey(hostkeys):
    """The server starts the re-exchange, right after the first one (while
    the client's service request crosses it)."""
    server = Server(["--hostkey", hostkeys["ed25519"], "--rekey"])
    try:
        r = run_probe(["connect", "127.0.0.1", server.port, "--hostkey",
                       f"{hostkeys['ed25519']}.pub"])
        rc, out, err = server.stop()
    finally:
        server.kill()
    assert r.returncode == 0, r.stderr
    assert parse_probe(r.stdout).get("rekey") == "ok"
    assert rc == 0 and parse_probe(out).get("rekey") == "ok", err
