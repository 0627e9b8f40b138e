"""Configuration grammars against OpenSSH 9.2.

`sluice -G` against `ssh -G` for client configs with Host patterns, Match,
Include and -o; `sluiced -T` against `sshd -T` for server configs. Only the
options sluice implements are compared, in OpenSSH's order and spelling.
Algorithm lists and the default IdentityFile list differ by design (sluice
offers fewer algorithms) and are compared only when a config sets them."""
import os
import pathlib
import shutil
import subprocess

import pytest

SSH = shutil.which("ssh")
SSHD = shutil.which("sshd") or ("/usr/sbin/sshd" if os.path.exists("/usr/sbin/sshd") else None)

# Keywords whose default value is sluice's own choice, not OpenSSH's.
DEFAULT_DIFFERS = {
    "ciphers", "macs", "kexalgorithms", "hostkeyalgorithms", "pubkeyacceptedalgorithms",
    "identityfile",
}


def run(argv, **kw):
    return subprocess.run(argv, capture_output=True, text=True, timeout=30,
                          stdin=subprocess.DEVNULL, **kw)


def parse(text):
    lines = []
    for line in text.splitlines():
        kw, _, value = line.partition(" ")
        lines.append((kw, value))
    return lines


@pytest.fixture
def sluice_g(sluice):
    probe = run([sluice, "-G", "-F", "/dev/null", "probe.invalid"])
    assert probe.returncode == 0, probe.stderr
    assert probe.stdout.startswith("host probe.invalid\n")
    return sluice


def compare_g(sluice, cfg, host, opts=(), compare_defaults=()):
    argv_tail = []
    for o in opts:
        argv_tail += ["-o", o]
    theirs = run([SSH, "-G", "-F", str(cfg)] + argv_tail + [host])
    ours = run([sluice, "-G", "-F", str(cfg)] + argv_tail + [host])
    assert theirs.returncode == 0, theirs.stderr
    assert ours.returncode == 0, ours.stderr
    mine = parse(ours.stdout)
    keys = {k for k, _ in mine}
    skip = DEFAULT_DIFFERS - set(compare_defaults)
    want = [(k, v) for k, v in parse(theirs.stdout) if k in keys and k not in skip]
    got = [(k, v) for k, v in mine if k not in skip]
    assert got == want
    return dict(mine)


assert SSH is not None, "scripts/setup.sh installs openssh-client"


def write(path, text):
    path.write_text(text)
    return path


CLIENT_FULL = """\
# every implemented option, inside a Host block
Host foo
  Hostname bar.%h.example
  Port 2222
  User alice
  IdentityFile ~/.ssh/k1
  IdentityFile /tmp/%h-%p-%r-%u
  IdentitiesOnly yes
  IdentityAgent /tmp/agent
  CertificateFile /tmp/cert
  LocalForward 8080 localhost:80
  LocalForward 127.0.0.1:8081 [::1]:81
  RemoteForward 9090 localhost:90
  RemoteForward 9091
  RemoteForward *:1234 localhost:22
  DynamicForward 1080
  DynamicForward localhost:1081
  GatewayPorts yes
  ExitOnForwardFailure yes
  ServerAliveInterval 1m
  ServerAliveCountMax 5
  TCPKeepAlive no
  ConnectTimeout 1h30m
  ConnectionAttempts 3
  StrictHostKeyChecking accept-new
  UserKnownHostsFile ~/kh1 /tmp/%h/kh2
  GlobalKnownHostsFile /tmp/gkh
  HashKnownHosts yes
  CheckHostIP yes
  Ciphers aes128-ctr,aes256-gcm@openssh.com
  MACs hmac-sha2-256
  KexAlgorithms curve25519-sha256
  HostKeyAlgorithms ssh-ed25519
  PubkeyAcceptedKeyTypes ssh-ed25519,rsa-sha2-512
  RekeyLimit 1G 1h
  PreferredAuthentications publickey,password
  PasswordAuthentication no
  KbdInteractiveAuthentication no
  PubkeyAuthentication no
  NumberOfPasswordPrompts 2
  BatchMode yes
  LogLevel DEBUG2
  ProxyJump user@jump:22,jump2
  Tunnel point-to-point
  TunnelDevice 1:2
  PermitRemoteOpen localhost:80 any:443
  StreamLocalBindUnlink yes
  SendEnv LANG LC_*
  SendEnv FOO
  SetEnv A=1 "B=two words"
  RequestTTY force
  SessionType none
  ForwardAgent yes
  Compression yes
  AddressFamily inet
  BindAddress 127.0.0.1
  EscapeChar none
  ControlMaster auto
"""

CLIENT_OTHER = """\
Host foo
  ProxyCommand ssh -W %h:%p "jump host"
  EscapeChar ^A
  RekeyLimit 500K
  Tunnel yes
  StrictHostKeyChecking off
  RequestTTY yes
  IdentityAgent none
  UserKnownHostsFile none
  ConnectTimeout 0
  LogLevel VERBOSE
  TunnelDevice 3
  AddressFamily inet6
  PermitRemoteOpen none
  SetEnv X="a b" Y=c
  LocalForward 1234 /tmp/sock
  LocalForward /tmp/l.sock localhost:22
Host bar
  ProxyJump none
  GatewayPorts no
  Tunnel ethernet
  TunnelDevice any:5
  RequestTTY no
  StrictHostKeyChecking no
  EscapeChar x
  RekeyLimit default 60
  SessionType subsystem
  IdentityFile none
  RemoteForward 0.0.0.0:0 localhost:22
Host cleared
  LocalForward 1 localhost:2
  Tunnel yes
  ClearAllForwardings yes
"""

PATTERNS = """\
Host *.example.com !bad.example.com
  Port 1001
Host a?c
  Port 1002
Host x y z
  User multi
Host bad.example.com
  User bad
Host *
  Port 1999
  User everyone
  LogLevel ERROR
"""

MATCH = """\
Host alias
  Hostname real.example
Match host real.example
  Port 2001
Match originalhost alias user bob
  LogLevel QUIET
Match localuser root !host nothere
  BatchMode yes
Match host !real.example,*.example
  Compression yes
Match all
  ConnectionAttempts 7
Match final host real.example
  ServerAliveInterval 9
"""


@pytest.mark.parametrize("host", ["foo", "bar", "other.host"])
def test_g_full(sluice_g, tmp_path, host):
    cfg = write(tmp_path / "cfg", CLIENT_FULL)
    compare_g(sluice_g, cfg, host, compare_defaults=DEFAULT_DIFFERS if host == "foo" else ())


@pytest.mark.parametrize("host", ["foo", "bar", "cleared", "FOO"])
def test_g_other_spellings(sluice_g, tmp_path, host):
    cfg = write(tmp_path / "cfg", CLIENT_OTHER)
    compare_g(sluice_g, cfg, host)


@pytest.mark.parametrize("host", ["www.example.com", "bad.example.com", "abc", "y", "q"])
def test_g_host_patterns(sluice_g, tmp_path, host):
    cfg = write(tmp_path / "cfg", PATTERNS)
    compare_g(sluice_g, cfg, host)


@pytest.mark.parametrize("host,opts", [
    ("alias", []), ("alias", ["User=bob"]), ("real.example", []), ("other.example", []),
])
def test_g_match(sluice_g, tmp_path, host, opts):
    cfg = write(tmp_path / "cfg", MATCH)
    compare_g(sluice_g, cfg, host, opts)


def test_g_include(sluice_g, tmp_path):
    inc = tmp_path / "inc"
    inc.mkdir()
    write(inc / "10-a.conf", "Host a\n  Port 3001\n")
    write(inc / "20-b.conf", "Port 3002\nUser inc\n")
    write(tmp_path / "cond.conf", "User conditional\nHost zzz\n  Port 3003\n")
    cfg = write(tmp_path / "cfg", f"""\
Host b
  Include {tmp_path}/cond.conf
Host *
  Include {inc}/*.conf
  LogLevel ERROR
""")
    for host in ("a", "b", "zzz", "other"):
        compare_g(sluice_g, cfg, host)


def test_g_options_win(sluice_g, tmp_path):
    cfg = write(tmp_path / "cfg", "Port 4001\nUser file\nLocalForward 5 localhost:6\n")
    mine = compare_g(sluice_g, cfg, "h",
                     ["Port=4002", "port 4003", "LocalForward=7 localhost:8",
                      "Ciphers aes256-ctr"],
                     compare_defaults=["ciphers"])
    assert mine["port"] == "4002"


@pytest.mark.parametrize("text", [
    "Host *\n  Foo bar\n",
    "Port abc\n",
    "Port 0\n",
    "Port\n",
    "Port 1 2\n",
    "StrictHostKeyChecking maybe\n",
    "SendEnv \"A B\n",
    "Match all host x\n",
])
def test_g_errors_match_openssh(sluice_g, tmp_path, text):
    cfg = write(tmp_path / "bad", text)
    theirs = run([SSH, "-G", "-F", str(cfg), "x"])
    ours = run([sluice_g, "-G", "-F", str(cfg), "x"])
    assert theirs.returncode == 255 and ours.returncode == 255
    # OpenSSH sometimes prints a detail line first; its last line names the
    # file, and the line before it the file:line and reason.
    assert ours.stderr.strip().splitlines()[-2:] == theirs.stderr.strip().splitlines()[-2:]


def test_g_bad_value_names_value(sluice_g, tmp_path):
    cfg = write(tmp_path / "bad", "\n\nCiphers aes128-ctr,nope\n")
    ours = run([sluice_g, "-G", "-F", str(cfg), "x"])
    assert ours.returncode == 255
    assert f"{cfg} line 3:" in ours.stderr and "nope" in ours.stderr


def test_g_bad_option_on_command_line(sluice_g):
    theirs = run([SSH, "-G", "-F", "/dev/null", "-o", "Bogus=1", "x"])
    ours = run([sluice_g, "-G", "-F", "/dev/null", "-o", "Bogus=1", "x"])
    assert ours.returncode == theirs.returncode == 255
    assert ours.stderr.strip() == theirs.stderr.strip().splitlines()[-1]


# --- forwarding specifications ---------------------------------------------

FORWARDS = """\
LocalForward 8080 localhost:80
LocalForward 127.0.0.1:8081 [::1]:81
LocalForward [::1]:8082 [fe80::1]:82
LocalForward *:8083 h:83
LocalForward "":8084 h:84
LocalForward 8085:h 85
LocalForward 8080 localhost:80
LocalForward /tmp/l.sock /tmp/t.sock
LocalForward 8086 /run/x.sock
LocalForward [/tmp/a:b] h:86
DynamicForward 1080
DynamicForward [::1]:1081
DynamicForward localhost:1082
DynamicForward 1083:/tmp/d.sock
RemoteForward 9000 localhost:90
RemoteForward 0 h:91
RemoteForward [::]:9002 [::1]:92
RemoteForward 9003
RemoteForward 127.0.0.1:9004
RemoteForward 9005 ""
RemoteForward /tmp/r.sock localhost:93
RemoteForward 9006 /tmp/r2.sock
RemoteForward /tmp/rd.sock
Host other
  LocalForward 7000 h:70
Host fwd
  ClearAllForwardings yes
"""


FWD_KEYWORDS = ("dynamicforward", "localforward", "remoteforward")


def compare_forwards(sluice, cfg, host, opts=()):
    """compare_g, and the forward lines compared whole: compare_g skips
    keywords absent from our output, so an empty list would pass it."""
    argv_tail = [a for o in opts for a in ("-o", o)]
    theirs = run([SSH, "-G", "-F", str(cfg)] + argv_tail + [host])
    compare_g(sluice, cfg, host, opts)
    ours = run([sluice, "-G", "-F", str(cfg)] + argv_tail + [host])
    want = [line for line in theirs.stdout.splitlines() if line.startswith(FWD_KEYWORDS)]
    got = [line for line in ours.stdout.splitlines() if line.startswith(FWD_KEYWORDS)]
    assert got == want
    return got


@pytest.mark.parametrize("host", ["x", "other", "fwd"])
def test_g_forwards(sluice_g, tmp_path, host):
    cfg = write(tmp_path / "cfg", FORWARDS)
    got = compare_forwards(sluice_g, cfg, host)
    assert (len(got) > 0) == (host != "fwd")


@pytest.mark.parametrize("opts", [
    ["LocalForward=1 h:2"],
    ["LocalForward 1 h:2", "DynamicForward=[::1]:3", "RemoteForward=4"],
    ["LocalForward=[::1]:5 [::2]:6", "RemoteForward=/tmp/s h:7", "LocalForward=5:h 5"],
    ["LocalForward=7 /tmp/x.sock", "DynamicForward=8:/tmp/y.sock", "ClearAllForwardings=no"],
    ["ClearAllForwardings=yes", "LocalForward=1 h:2"],
])
def test_g_forward_options(sluice_g, tmp_path, opts):
    # -o forwards come first, then the file's, as in ssh.
    cfg = write(tmp_path / "cfg", "LocalForward 9 h:9\nRemoteForward 10\nDynamicForward 11\n")
    compare_forwards(sluice_g, cfg, "x", opts)


@pytest.mark.parametrize("text", [
    "LocalForward 8080\n",
    "LocalForward 8080 x\n",
    "LocalForward 0 h:1\n",
    "LocalForward 1 h:2 x\n",
    "LocalForward\n",
    "LocalForward \"\" h:1\n",
    "LocalForward ::1:80 h:1\n",
    "LocalForward [::1]80 h:1\n",
    "LocalForward 1 h:99999\n",
    "RemoteForward\n",
    "RemoteForward 1 h:2 x\n",
    "RemoteForward /tmp/s 7\n",
    "DynamicForward 0\n",
    "DynamicForward 1 2\n",
    "DynamicForward\n",
    "Host nomatch\n  LocalForward x h:1\n",
])
def test_g_forward_errors_match_openssh(sluice_g, tmp_path, text):
    cfg = write(tmp_path / "bad", text)
    theirs = run([SSH, "-G", "-F", str(cfg), "x"])
    ours = run([sluice_g, "-G", "-F", str(cfg), "x"])
    assert theirs.returncode == 255 and ours.returncode == 255
    assert ours.stderr.strip().splitlines() == theirs.stderr.strip().splitlines()


@pytest.mark.parametrize("opt", [
    "LocalForward=8080:h:80",  # ssh needs the blank: Missing target argument.
    "LocalForward=8080 x",
    "DynamicForward=1 2",
    "RemoteForward=1 h:2 x",
])
def test_g_forward_option_errors_match_openssh(sluice_g, opt):
    theirs = run([SSH, "-G", "-F", "/dev/null", "-o", opt, "x"])
    ours = run([sluice_g, "-G", "-F", "/dev/null", "-o", opt, "x"])
    assert ours.returncode == theirs.returncode == 255
    # ssh may add a "Pseudo-terminal ..." line; the message is the first.
    assert ours.stderr.strip() == theirs.stderr.strip().splitlines()[0]


# --- server --------------------------------------------------------------

SERVER_FULL = """\
Port 2222
Port 2223
ListenAddress 127.0.0.1
ListenAddress 127.0.0.2:2224
AddressFamily inet
PidFile /tmp/x.pid
LogLevel VERBOSE
SyslogFacility LOCAL0
PermitRootLogin prohibit-password
PubkeyAuthentication no
PasswordAuthentication no
ChallengeResponseAuthentication no
UsePAM yes
AuthorizedKeysFile %h/.ssh/ak "/etc/ssh/keys/%u" none
StrictModes no
MaxAuthTries 3
MaxSessions 4
MaxStartups 5:20:50
LoginGraceTime 1m
ClientAliveInterval 15
ClientAliveCountMax 2
TCPKeepAlive no
Ciphers aes128-ctr
MACs hmac-sha2-512
KexAlgorithms curve25519-sha256
HostKeyAlgorithms ssh-ed25519
PubkeyAcceptedAlgorithms ssh-ed25519
RekeyLimit 2M 10m
AcceptEnv LANG LC_*
AcceptEnv FOO
SetEnv A=1 B=2
Subsystem sftp /usr/lib/openssh/sftp-server -l INFO
Subsystem foo /bin/foo
AllowTcpForwarding local
AllowStreamLocalForwarding remote
DisableForwarding no
GatewayPorts clientspecified
PermitOpen localhost:80 127.0.0.1:*
PermitListen 8080 localhost:9090
PermitTunnel point-to-point
StreamLocalBindMask 0007
StreamLocalBindUnlink yes
PermitTTY no
ForceCommand /bin/echo hi there
AllowUsers alice bob@10.0.0.0/8
DenyUsers eve
AllowGroups staff wheel
DenyGroups nogroup
Banner /etc/issue.net
PrintMotd no
X11Forwarding no
PermitUserEnvironment LANG,FOO
"""

SERVER_MATCH = """\
Port 2300
PasswordAuthentication yes
Match User alice
  PasswordAuthentication no
  AllowTcpForwarding no
Match Address 10.0.0.0/8,!10.1.2.3
  Banner /etc/banner10
  MaxAuthTries 2
Match Group staff User !bob
  PermitTTY no
Match LocalPort 2300 LocalAddress 127.0.0.1
  ClientAliveInterval 7
Match Host *.example.com
  X11Forwarding no
  ForceCommand /bin/true
"""


@pytest.fixture
def sshd_t(tmp_path):
    # scripts/setup.sh installs openssh-server; the suite runs as root.
    assert SSHD is not None and os.geteuid() == 0, "sshd -T needs root and openssh-server"
    key = tmp_path / "hostkey"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)
    # sshd refuses to start (even for -T) without its privsep directory.
    os.makedirs("/run/sshd", exist_ok=True)
    return key


@pytest.fixture
def sluiced_t(sluiced, tmp_path):
    cfg = write(tmp_path / "probe", "Port 2999\n")
    probe = run([sluiced, "-T", "-f", str(cfg)])
    assert probe.returncode == 0, probe.stderr
    assert "port 2999" in probe.stdout.splitlines()
    return sluiced


def compare_t(sluiced, key, cfg, conn=None, compare_defaults=()):
    extra = ["-C", conn] if conn else []
    theirs = run([SSHD, "-T", "-f", str(cfg), "-h", str(key)] + extra)
    ours = run([sluiced, "-T", "-f", str(cfg), "-h", str(key)] + extra)
    assert theirs.returncode == 0, theirs.stderr
    assert ours.returncode == 0, ours.stderr
    mine = parse(ours.stdout)
    keys = {k for k, _ in mine}
    skip = DEFAULT_DIFFERS - set(compare_defaults)
    want = [(k, v) for k, v in parse(theirs.stdout) if k in keys and k not in skip]
    got = [(k, v) for k, v in mine if k not in skip]
    assert got == want


def test_t_full(sluiced_t, sshd_t, tmp_path):
    cfg = write(tmp_path / "sshd_config", SERVER_FULL)
    compare_t(sluiced_t, sshd_t, cfg, compare_defaults=DEFAULT_DIFFERS - {"identityfile"})


@pytest.mark.parametrize("conn", [
    "user=alice,host=a.example.com,addr=10.1.1.1,laddr=127.0.0.1,lport=2300",
    "user=bob,host=x,addr=10.1.2.3,laddr=127.0.0.2,lport=22",
    "user=carol,host=x,addr=192.0.2.1,laddr=127.0.0.1,lport=2300",
])
def test_t_match(sluiced_t, sshd_t, tmp_path, conn):
    cfg = write(tmp_path / "sshd_config", SERVER_MATCH)
    compare_t(sluiced_t, sshd_t, cfg, conn)


@pytest.mark.parametrize("text", [
    "Foo bar\n",
    "Port x\n",
    "Match User x\n Port 5\n",
])
def test_t_errors_match_openssh(sluiced_t, sshd_t, tmp_path, text):
    cfg = write(tmp_path / "bad", text)
    theirs = run([SSHD, "-t", "-f", str(cfg), "-h", str(sshd_t)])
    ours = run([sluiced_t, "-t", "-f", str(cfg), "-h", str(sshd_t)])
    assert theirs.returncode != 0 and ours.returncode != 0
    assert ours.stderr.strip().splitlines()[0] == theirs.stderr.strip().splitlines()[0]
