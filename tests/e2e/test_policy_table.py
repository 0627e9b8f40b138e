"""The server's forwarding policy as a table, checked against OpenSSH's sshd.

Each row is (id, group, request, expected). A group is one sshd
configuration plus the options on the client key's authorized_keys line
and the user logged in as; one sshd runs per group and its rows run one
after another through the real OpenSSH client (-L, -R, -w with
ExitOnForwardFailure), groups in parallel. A forward counts as working
only when bytes sent through it come back from the echo target; for
remote TCP forwards the address sshd bound is read from the socket table
(ss -ltn) and reported as loopback, wildcard or the address itself.

The same rows, with the placeholders replaced by the fixed values listed
below, are hard-coded in tests/unit/test_policy.c: this file keeps the
table honest against OpenSSH on every run, that one checks our policy
module (src/core/policy.c) against the table, and test_unit_table_matches
checks that the two copies agree.

Placeholders (value in test_policy.c):
  {E}, {E2}    TCP echo targets on 127.0.0.1 and ::1   7000, 7001
  {P}, {Q}     free ports for remote forwards          8000, 8001
  {LOW}        a free privileged port (< 1024)         1000
  {S}          a Unix-socket echo target               /tmp/pol/echo.sock
  {RS}         path for a remote Unix-socket listener  /tmp/pol/remote.sock
  {TUN}...      tun unit numbers (TUN, TUN2, TUN3)      4711, 4712, 4713
  {LAN}        a non-loopback address of this host     192.0.2.2
               (rows using it are skipped on a host without one)

Requests:
  ("L", host, port)       direct-tcpip (ssh -L); host as sent on the wire
  ("R", bind, port)       tcpip-forward (ssh -R bind:port:...); "localhost"
                          is what ssh sends when no bind address is given,
                          and ssh sends "*" as "" (so the C table has "")
  ("SL", path)            direct-streamlocal@openssh.com (ssh -L port:path)
  ("SR", path)            streamlocal-forward@openssh.com (ssh -R path:...)
  ("TUN", mode, unit)     tun@openssh.com (ssh -w any:unit -o Tunnel=mode)

Expected outcomes: "ok", "denied", and for R "ok@loopback" (127.0.0.1 and
::1), "ok@wildcard" (0.0.0.0 and ::) or "ok@ADDR" (that address alone).

What OpenSSH 9.2 does that the manual does not say (each has rows below):
- AllowTcpForwarding also gates StreamLocal forwarding, per direction.
- A restricted PermitOpen or permitopen= refuses direct-streamlocal
  unless it holds "*:*"; PermitListen does not apply to Unix sockets.
- PermitOpen and permitopen= both apply, and so do PermitListen and
  permitlisten=: a request must pass both lists.
- PermitOpen compares host names exactly, case included; PermitListen
  lower-cases the client's bind address before matching its patterns,
  so an upper-case pattern never matches.
- Port 0 (sshd picks) passes PermitListen only through a '*' port.
- GatewayPorts no still honours an explicit "127.0.0.1" or "::1".
- DisableForwarding, restrict and no-port-forwarding leave tunnels alone.
- A privileged listen port fails for a non-root user because the kernel
  refuses the bind (sshd binds as the user), not by a rule of sshd.
- sshd refuses direct-streamlocal with reason "connect failed", not
  "administratively prohibited" as for direct-tcpip.

Run with SLUICE_POLICY_SHOW=1 to print what OpenSSH did for every row,
SLUICE_POLICY_KEEP=1 to keep the configs and sshd logs."""
import concurrent.futures
import os
import pathlib
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]

SSH = shutil.which("ssh")
SSHD = shutil.which("sshd") or ("/usr/sbin/sshd" if os.path.exists("/usr/sbin/sshd") else None)
SSH_KEYGEN = shutil.which("ssh-keygen")
SS = shutil.which("ss")

pytestmark = pytest.mark.skipif(
    None in (SSH, SSHD, SSH_KEYGEN, SS) or os.geteuid() != 0,
    reason="needs OpenSSH ssh/sshd/ssh-keygen, ss and root (sshd and tun devices)")

# name: (sshd_config lines, authorized_keys options or None, user)
GROUPS = {
    # AllowTcpForwarding, all five values
    "tcp_default": ("", None, "root"),
    "tcp_yes": ("AllowTcpForwarding yes", None, "root"),
    "tcp_all": ("AllowTcpForwarding all", None, "root"),
    "tcp_no": ("AllowTcpForwarding no", None, "root"),
    "tcp_local": ("AllowTcpForwarding local", None, "root"),
    "tcp_remote": ("AllowTcpForwarding remote", None, "root"),
    # AllowStreamLocalForwarding
    "sl_no": ("AllowStreamLocalForwarding no", None, "root"),
    "sl_local": ("AllowStreamLocalForwarding local", None, "root"),
    "sl_remote": ("AllowStreamLocalForwarding remote", None, "root"),
    "sl_all": ("AllowStreamLocalForwarding all", None, "root"),
    # DisableForwarding beats every allow
    "disable": ("DisableForwarding yes\nAllowTcpForwarding yes\n"
                "AllowStreamLocalForwarding yes\nPermitTunnel yes", None, "root"),
    # PermitOpen
    "po_any": ("PermitOpen any", None, "root"),
    "po_none": ("PermitOpen none", None, "root"),
    "po_exact": ("PermitOpen 127.0.0.1:{E}", None, "root"),
    "po_name": ("PermitOpen localhost:{E}", None, "root"),
    "po_upper": ("PermitOpen LOCALHOST:{E}", None, "root"),
    "po_hostany": ("PermitOpen 127.0.0.1:*", None, "root"),
    "po_anyport": ("PermitOpen *:{E}", None, "root"),
    "po_multi": ("PermitOpen 192.0.2.1:22 [::1]:{E} localhost:{E}", None, "root"),
    "po_glob": ("PermitOpen 127.0.0.*:{E}", None, "root"),
    "po_starstar": ("PermitOpen *:*", None, "root"),
    # PermitListen
    "pl_none": ("PermitListen none", None, "root"),
    "pl_any": ("PermitListen any", None, "root"),
    "pl_port": ("PermitListen {P}", None, "root"),
    "pl_localhost": ("PermitListen localhost:{P}", None, "root"),
    "pl_addr": ("PermitListen 127.0.0.1:{P}\nGatewayPorts clientspecified", None, "root"),
    "pl_glob": ("PermitListen 127.0.0.*:{P} [::1]:*\nGatewayPorts clientspecified",
                None, "root"),
    "pl_anyport": ("PermitListen localhost:*", None, "root"),
    "pl_upper": ("PermitListen LOCALHOST:{P} LOCAL*:{Q}", None, "root"),
    "pl_star_host": ("PermitListen *:{P}\nGatewayPorts clientspecified", None, "root"),
    "pl_localhost_gwyes": ("PermitListen localhost:{P}\nGatewayPorts yes", None, "root"),
    "pl_addr_gwno": ("PermitListen 127.0.0.1:{P}\nGatewayPorts no", None, "root"),
    # GatewayPorts x client bind address
    "gw_no": ("GatewayPorts no", None, "root"),
    "gw_yes": ("GatewayPorts yes", None, "root"),
    "gw_cs": ("GatewayPorts clientspecified", None, "root"),
    # PermitTunnel
    "tun_yes": ("PermitTunnel yes", None, "root"),
    "tun_p2p": ("PermitTunnel point-to-point", None, "root"),
    "tun_eth": ("PermitTunnel ethernet", None, "root"),
    "tun_no": ("PermitTunnel no", None, "root"),
    # authorized_keys options
    "ak_restrict": ("PermitTunnel yes", "restrict", "root"),
    "ak_restrict_pf": ("PermitTunnel yes", "restrict,port-forwarding", "root"),
    "ak_nopf": ("PermitTunnel yes", "no-port-forwarding", "root"),
    "ak_po": ("", 'permitopen="localhost:{E}",permitopen="127.0.0.1:*"', "root"),
    "ak_po_and_cfg": ("PermitOpen 127.0.0.1:{E} localhost:{E}",
                      'permitopen="localhost:*"', "root"),
    "ak_po_disjoint": ("PermitOpen 127.0.0.1:{E}", 'permitopen="localhost:{E}"', "root"),
    "ak_po_v6": ("", 'permitopen="[::1]:{E}"', "root"),
    "ak_pl": ("GatewayPorts clientspecified", 'permitlisten="localhost:{P}",permitlisten="{Q}"',
              "root"),
    "ak_pl_and_cfg": ("PermitListen {P} {Q}", 'permitlisten="localhost:{P}"', "root"),
    "ak_pl_restrict_pf": ("", 'restrict,port-forwarding,permitlisten="{P}"', "root"),
    "ak_tun": ("PermitTunnel yes", 'tunnel="{TUN}"', "root"),
    "ak_po_nopf": ("", 'no-port-forwarding,permitopen="127.0.0.1:{E}"', "root"),
    "ak_po_starstar": ("", 'permitopen="*:*"', "root"),
    # Privileged listen ports: root only (the kernel's doing, see above)
    "priv_root": ("", None, "root"),
    "priv_user": ("", None, "nobody"),
}

ROWS = [
    # id, group, request, expected
    # AllowTcpForwarding x {local, remote}; it gates StreamLocal too
    ("tcp-def-L", "tcp_default", ("L", "127.0.0.1", "{E}"), "ok"),
    ("tcp-def-R", "tcp_default", ("R", "localhost", "{P}"), "ok@loopback"),
    ("tcp-yes-L", "tcp_yes", ("L", "127.0.0.1", "{E}"), "ok"),
    ("tcp-yes-R", "tcp_yes", ("R", "localhost", "{P}"), "ok@loopback"),
    ("tcp-all-L", "tcp_all", ("L", "127.0.0.1", "{E}"), "ok"),
    ("tcp-all-R", "tcp_all", ("R", "localhost", "{P}"), "ok@loopback"),
    ("tcp-no-L", "tcp_no", ("L", "127.0.0.1", "{E}"), "denied"),
    ("tcp-no-R", "tcp_no", ("R", "localhost", "{P}"), "denied"),
    ("tcp-no-SL", "tcp_no", ("SL", "{S}"), "denied"),
    ("tcp-no-SR", "tcp_no", ("SR", "{RS}"), "denied"),
    ("tcp-local-L", "tcp_local", ("L", "127.0.0.1", "{E}"), "ok"),
    ("tcp-local-R", "tcp_local", ("R", "localhost", "{P}"), "denied"),
    ("tcp-local-SL", "tcp_local", ("SL", "{S}"), "ok"),
    ("tcp-local-SR", "tcp_local", ("SR", "{RS}"), "denied"),
    ("tcp-remote-L", "tcp_remote", ("L", "127.0.0.1", "{E}"), "denied"),
    ("tcp-remote-R", "tcp_remote", ("R", "localhost", "{P}"), "ok@loopback"),
    ("tcp-remote-SL", "tcp_remote", ("SL", "{S}"), "denied"),
    ("tcp-remote-SR", "tcp_remote", ("SR", "{RS}"), "ok"),
    # AllowStreamLocalForwarding
    ("sl-def-SL", "tcp_default", ("SL", "{S}"), "ok"),
    ("sl-def-SR", "tcp_default", ("SR", "{RS}"), "ok"),
    ("sl-no-SL", "sl_no", ("SL", "{S}"), "denied"),
    ("sl-no-SR", "sl_no", ("SR", "{RS}"), "denied"),
    ("sl-no-L", "sl_no", ("L", "127.0.0.1", "{E}"), "ok"),
    ("sl-local-SL", "sl_local", ("SL", "{S}"), "ok"),
    ("sl-local-SR", "sl_local", ("SR", "{RS}"), "denied"),
    ("sl-remote-SL", "sl_remote", ("SL", "{S}"), "denied"),
    ("sl-remote-SR", "sl_remote", ("SR", "{RS}"), "ok"),
    ("sl-all-SL", "sl_all", ("SL", "{S}"), "ok"),
    ("sl-all-SR", "sl_all", ("SR", "{RS}"), "ok"),
    # DisableForwarding
    ("dis-L", "disable", ("L", "127.0.0.1", "{E}"), "denied"),
    ("dis-R", "disable", ("R", "localhost", "{P}"), "denied"),
    ("dis-SL", "disable", ("SL", "{S}"), "denied"),
    ("dis-SR", "disable", ("SR", "{RS}"), "denied"),
    ("dis-TUN", "disable", ("TUN", "point-to-point", "any"), "ok"),
    # PermitOpen
    ("po-any", "po_any", ("L", "127.0.0.1", "{E}"), "ok"),
    ("po-none", "po_none", ("L", "127.0.0.1", "{E}"), "denied"),
    ("po-none-SL", "po_none", ("SL", "{S}"), "denied"),
    ("po-none-R", "po_none", ("R", "localhost", "{P}"), "ok@loopback"),
    ("po-exact", "po_exact", ("L", "127.0.0.1", "{E}"), "ok"),
    ("po-exact-name", "po_exact", ("L", "localhost", "{E}"), "denied"),
    ("po-exact-v6", "po_exact", ("L", "::1", "{E}"), "denied"),
    ("po-exact-SL", "po_exact", ("SL", "{S}"), "denied"),
    ("po-name", "po_name", ("L", "localhost", "{E}"), "ok"),
    ("po-name-addr", "po_name", ("L", "127.0.0.1", "{E}"), "denied"),
    ("po-name-case", "po_name", ("L", "LocalHost", "{E}"), "denied"),
    ("po-upper", "po_upper", ("L", "localhost", "{E}"), "denied"),
    ("po-upper-same", "po_upper", ("L", "LOCALHOST", "{E}"), "ok"),
    ("po-hostany", "po_hostany", ("L", "127.0.0.1", "{E}"), "ok"),
    ("po-hostany-name", "po_hostany", ("L", "localhost", "{E}"), "denied"),
    ("po-anyport", "po_anyport", ("L", "localhost", "{E}"), "ok"),
    ("po-anyport-v6", "po_anyport", ("L", "::1", "{E}"), "ok"),
    ("po-anyport-other", "po_anyport", ("L", "127.0.0.1", "{Q}"), "denied"),
    ("po-multi-v6", "po_multi", ("L", "::1", "{E}"), "ok"),
    ("po-multi-name", "po_multi", ("L", "localhost", "{E}"), "ok"),
    ("po-multi-addr", "po_multi", ("L", "127.0.0.1", "{E}"), "denied"),
    ("po-glob", "po_glob", ("L", "127.0.0.1", "{E}"), "denied"),
    ("po-starstar", "po_starstar", ("L", "127.0.0.1", "{E2}"), "ok"),
    ("po-starstar-SL", "po_starstar", ("SL", "{S}"), "ok"),
    ("po-hostany-SL", "po_hostany", ("SL", "{S}"), "denied"),
    ("po-anyport-SL", "po_anyport", ("SL", "{S}"), "denied"),
    # PermitListen
    ("pl-none", "pl_none", ("R", "localhost", "{P}"), "denied"),
    ("pl-none-SR", "pl_none", ("SR", "{RS}"), "ok"),
    ("pl-none-L", "pl_none", ("L", "127.0.0.1", "{E}"), "ok"),
    ("pl-any", "pl_any", ("R", "localhost", "{P}"), "ok@loopback"),
    ("pl-port", "pl_port", ("R", "localhost", "{P}"), "ok@loopback"),
    ("pl-port-addr", "pl_port", ("R", "127.0.0.1", "{P}"), "ok@127.0.0.1"),
    ("pl-port-wild", "pl_port", ("R", "", "{P}"), "ok@loopback"),
    ("pl-port-other", "pl_port", ("R", "localhost", "{Q}"), "denied"),
    ("pl-port-zero", "pl_port", ("R", "localhost", "0"), "denied"),
    ("pl-localhost", "pl_localhost", ("R", "localhost", "{P}"), "ok@loopback"),
    ("pl-localhost-addr", "pl_localhost", ("R", "127.0.0.1", "{P}"), "denied"),
    ("pl-localhost-wild", "pl_localhost", ("R", "", "{P}"), "denied"),
    ("pl-localhost-zero", "pl_localhost", ("R", "localhost", "0"), "denied"),
    ("pl-addr", "pl_addr", ("R", "127.0.0.1", "{P}"), "ok@127.0.0.1"),
    ("pl-addr-name", "pl_addr", ("R", "localhost", "{P}"), "denied"),
    ("pl-glob", "pl_glob", ("R", "127.0.0.1", "{P}"), "ok@127.0.0.1"),
    ("pl-glob-v6", "pl_glob", ("R", "::1", "{Q}"), "ok@[::1]"),
    ("pl-glob-name", "pl_glob", ("R", "localhost", "{P}"), "denied"),
    ("pl-localhost-upper", "pl_localhost", ("R", "LOCALHOST", "{P}"), "ok@loopback"),
    ("pl-upper", "pl_upper", ("R", "localhost", "{P}"), "denied"),
    ("pl-upper-same", "pl_upper", ("R", "LOCALHOST", "{P}"), "denied"),
    ("pl-upper-glob", "pl_upper", ("R", "localhost", "{Q}"), "denied"),
    ("pl-anyport", "pl_anyport", ("R", "localhost", "{Q}"), "ok@loopback"),
    ("pl-anyport-zero", "pl_anyport", ("R", "localhost", "0"), "ok@loopback"),
    ("pl-star-wild", "pl_star_host", ("R", "", "{P}"), "ok@wildcard"),
    ("pl-star-name", "pl_star_host", ("R", "localhost", "{P}"), "ok@loopback"),
    ("pl-localhost-gwyes", "pl_localhost_gwyes", ("R", "localhost", "{P}"), "ok@wildcard"),
    ("pl-localhost-gwyes-wild", "pl_localhost_gwyes", ("R", "", "{P}"), "denied"),
    ("pl-addr-gwno", "pl_addr_gwno", ("R", "127.0.0.1", "{P}"), "ok@127.0.0.1"),
    ("pl-addr-gwno-wild", "pl_addr_gwno", ("R", "", "{P}"), "denied"),
    # GatewayPorts x bind address
    ("gw-no-localhost", "gw_no", ("R", "localhost", "{P}"), "ok@loopback"),
    ("gw-no-empty", "gw_no", ("R", "", "{P}"), "ok@loopback"),
    ("gw-no-star", "gw_no", ("R", "*", "{P}"), "ok@loopback"),
    ("gw-no-addr", "gw_no", ("R", "127.0.0.1", "{P}"), "ok@127.0.0.1"),
    ("gw-no-any4", "gw_no", ("R", "0.0.0.0", "{P}"), "ok@loopback"),
    ("gw-no-v6", "gw_no", ("R", "::1", "{P}"), "ok@[::1]"),
    ("gw-no-any6", "gw_no", ("R", "::", "{P}"), "ok@loopback"),
    ("gw-no-lan", "gw_no", ("R", "{LAN}", "{P}"), "ok@loopback"),
    ("gw-no-name", "gw_no", ("R", "no-such-name.invalid", "{P}"), "ok@loopback"),
    ("gw-no-lo2", "gw_no", ("R", "127.0.0.2", "{P}"), "ok@loopback"),
    ("gw-yes-localhost", "gw_yes", ("R", "localhost", "{P}"), "ok@wildcard"),
    ("gw-yes-empty", "gw_yes", ("R", "", "{P}"), "ok@wildcard"),
    ("gw-yes-star", "gw_yes", ("R", "*", "{P}"), "ok@wildcard"),
    ("gw-yes-addr", "gw_yes", ("R", "127.0.0.1", "{P}"), "ok@wildcard"),
    ("gw-yes-lan", "gw_yes", ("R", "{LAN}", "{P}"), "ok@wildcard"),
    ("gw-yes-v6", "gw_yes", ("R", "::1", "{P}"), "ok@wildcard"),
    ("gw-cs-localhost", "gw_cs", ("R", "localhost", "{P}"), "ok@loopback"),
    ("gw-cs-empty", "gw_cs", ("R", "", "{P}"), "ok@wildcard"),
    ("gw-cs-star", "gw_cs", ("R", "*", "{P}"), "ok@wildcard"),
    ("gw-cs-addr", "gw_cs", ("R", "127.0.0.1", "{P}"), "ok@127.0.0.1"),
    ("gw-cs-v6", "gw_cs", ("R", "::1", "{P}"), "ok@[::1]"),
    ("gw-cs-any4", "gw_cs", ("R", "0.0.0.0", "{P}"), "ok@0.0.0.0"),
    ("gw-cs-lan", "gw_cs", ("R", "{LAN}", "{P}"), "ok@192.0.2.2"),
    ("gw-cs-lo2", "gw_cs", ("R", "127.0.0.2", "{P}"), "ok@127.0.0.2"),
    ("gw-cs-any6", "gw_cs", ("R", "::", "{P}"), "ok@[::]"),
    ("gw-cs-zero", "gw_cs", ("R", "127.0.0.1", "0"), "ok@127.0.0.1"),
    # PermitTunnel x mode
    ("tun-def", "tcp_default", ("TUN", "point-to-point", "any"), "denied"),
    ("tun-yes-p2p", "tun_yes", ("TUN", "point-to-point", "any"), "ok"),
    ("tun-yes-eth", "tun_yes", ("TUN", "ethernet", "any"), "ok"),
    ("tun-yes-unit", "tun_yes", ("TUN", "point-to-point", "{TUN3}"), "ok"),
    ("tun-p2p-p2p", "tun_p2p", ("TUN", "point-to-point", "any"), "ok"),
    ("tun-p2p-eth", "tun_p2p", ("TUN", "ethernet", "any"), "denied"),
    ("tun-eth-p2p", "tun_eth", ("TUN", "point-to-point", "any"), "denied"),
    ("tun-eth-eth", "tun_eth", ("TUN", "ethernet", "any"), "ok"),
    ("tun-no", "tun_no", ("TUN", "point-to-point", "any"), "denied"),
    # authorized_keys
    ("ak-restrict-L", "ak_restrict", ("L", "127.0.0.1", "{E}"), "denied"),
    ("ak-restrict-R", "ak_restrict", ("R", "localhost", "{P}"), "denied"),
    ("ak-restrict-SL", "ak_restrict", ("SL", "{S}"), "denied"),
    ("ak-restrict-SR", "ak_restrict", ("SR", "{RS}"), "denied"),
    ("ak-restrict-TUN", "ak_restrict", ("TUN", "point-to-point", "any"), "ok"),
    ("ak-restrict-pf-L", "ak_restrict_pf", ("L", "127.0.0.1", "{E}"), "ok"),
    ("ak-restrict-pf-R", "ak_restrict_pf", ("R", "localhost", "{P}"), "ok@loopback"),
    ("ak-restrict-pf-SL", "ak_restrict_pf", ("SL", "{S}"), "ok"),
    ("ak-restrict-pf-TUN", "ak_restrict_pf", ("TUN", "point-to-point", "any"), "ok"),
    ("ak-nopf-L", "ak_nopf", ("L", "127.0.0.1", "{E}"), "denied"),
    ("ak-nopf-R", "ak_nopf", ("R", "localhost", "{P}"), "denied"),
    ("ak-nopf-SL", "ak_nopf", ("SL", "{S}"), "denied"),
    ("ak-nopf-SR", "ak_nopf", ("SR", "{RS}"), "denied"),
    ("ak-nopf-TUN", "ak_nopf", ("TUN", "point-to-point", "any"), "ok"),
    ("ak-po-name", "ak_po", ("L", "localhost", "{E}"), "ok"),
    ("ak-po-addr-anyport", "ak_po", ("L", "127.0.0.1", "{E2}"), "ok"),
    ("ak-po-v6", "ak_po", ("L", "::1", "{E}"), "denied"),
    ("ak-po-R", "ak_po", ("R", "localhost", "{P}"), "ok@loopback"),
    ("ak-po-SL", "ak_po", ("SL", "{S}"), "denied"),
    ("ak-po-cfg-name", "ak_po_and_cfg", ("L", "localhost", "{E}"), "ok"),
    ("ak-po-cfg-addr", "ak_po_and_cfg", ("L", "127.0.0.1", "{E}"), "denied"),
    ("ak-po-disjoint-name", "ak_po_disjoint", ("L", "localhost", "{E}"), "denied"),
    ("ak-po-disjoint-addr", "ak_po_disjoint", ("L", "127.0.0.1", "{E}"), "denied"),
    ("ak-po-v6-ok", "ak_po_v6", ("L", "::1", "{E}"), "ok"),
    ("ak-po-nopf", "ak_po_nopf", ("L", "127.0.0.1", "{E}"), "denied"),
    ("ak-po-starstar", "ak_po_starstar", ("L", "localhost", "{E}"), "ok"),
    ("ak-po-starstar-SL", "ak_po_starstar", ("SL", "{S}"), "ok"),
    ("ak-pl-name", "ak_pl", ("R", "localhost", "{P}"), "ok@loopback"),
    ("ak-pl-addr", "ak_pl", ("R", "127.0.0.1", "{P}"), "denied"),
    ("ak-pl-bare", "ak_pl", ("R", "127.0.0.1", "{Q}"), "ok@127.0.0.1"),
    ("ak-pl-bare-wild", "ak_pl", ("R", "", "{Q}"), "ok@wildcard"),
    ("ak-pl-L", "ak_pl", ("L", "127.0.0.1", "{E}"), "ok"),
    ("ak-pl-SR", "ak_pl", ("SR", "{RS}"), "ok"),
    ("ak-pl-cfg-p", "ak_pl_and_cfg", ("R", "localhost", "{P}"), "ok@loopback"),
    ("ak-pl-cfg-q", "ak_pl_and_cfg", ("R", "localhost", "{Q}"), "denied"),
    ("ak-pl-restrict-pf", "ak_pl_restrict_pf", ("R", "localhost", "{P}"), "ok@loopback"),
    ("ak-pl-restrict-pf-q", "ak_pl_restrict_pf", ("R", "localhost", "{Q}"), "denied"),
    ("ak-tun-any", "ak_tun", ("TUN", "point-to-point", "any"), "ok"),
    ("ak-tun-same", "ak_tun", ("TUN", "point-to-point", "{TUN}"), "ok"),
    ("ak-tun-other", "ak_tun", ("TUN", "point-to-point", "{TUN2}"), "denied"),
    # privileged listen ports
    ("priv-root", "priv_root", ("R", "localhost", "{LOW}"), "ok@loopback"),
    ("priv-user", "priv_user", ("R", "localhost", "{LOW}"), "denied"),
    ("priv-user-high", "priv_user", ("R", "localhost", "{P}"), "ok@loopback"),
    ("priv-user-zero", "priv_user", ("R", "localhost", "0"), "ok@loopback"),
    ("priv-user-L", "priv_user", ("L", "127.0.0.1", "{E}"), "ok"),
]

# ---------------------------------------------------------------------------

TIMEOUT = 10.0
LOCK = threading.Lock()
USED_PORTS = set()


def free_port(host="127.0.0.1", low=False):
    """A port nobody listens on, never handed out twice in this run."""
    with LOCK:
        if low:
            for p in range(1023, 600, -1):
                if p in USED_PORTS:
                    continue
                try:
                    with socket.socket() as s:
                        s.bind(("127.0.0.1", p))
                except OSError:
                    continue
                USED_PORTS.add(p)
                return p
            raise RuntimeError("no free privileged port")
        while True:
            with socket.socket() as s:
                s.bind((host, 0))
                p = s.getsockname()[1]
            if p not in USED_PORTS:
                USED_PORTS.add(p)
                return p


class Echo:
    """Echo servers: TCP on 127.0.0.1 and ::1 (same port, twice), and a
    Unix socket."""

    def __init__(self, unix_path):
        self.socks = []
        self.ports = []
        while len(self.ports) < 2:
            port = free_port()
            try:
                s4 = socket.create_server(("127.0.0.1", port))
            except OSError:
                continue
            try:
                s6 = socket.create_server(("::1", port), family=socket.AF_INET6)
            except OSError:
                s4.close()
                continue
            self.socks += [s4, s6]
            self.ports.append(port)
        su = socket.socket(socket.AF_UNIX)
        su.bind(unix_path)
        os.chmod(unix_path, 0o777)
        su.listen(16)
        self.socks.append(su)
        for s in self.socks:
            threading.Thread(target=self._accept, args=(s,), daemon=True).start()

    def _accept(self, s):
        while True:
            try:
                c, _ = s.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(c,), daemon=True).start()

    @staticmethod
    def _serve(c):
        with c:
            try:
                while True:
                    d = c.recv(4096)
                    if not d:
                        return
                    c.sendall(d)
            except OSError:
                return

    def close(self):
        for s in self.socks:
            s.close()


class Proc:
    """A child whose stderr is collected by a thread."""

    def __init__(self, argv):
        self.p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE)
        self.err = []
        self.t = threading.Thread(target=self._read, daemon=True)
        self.t.start()

    def _read(self):
        for line in self.p.stderr:
            self.err.append(line.decode(errors="replace"))

    def text(self):
        return "".join(self.err)

    def drain(self):
        """Once the child is gone: wait for the rest of its stderr."""
        self.t.join(timeout=5)

    def stop(self):
        if self.p.poll() is None:
            self.p.terminate()
        try:
            self.p.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()
        self.t.join(timeout=2)


def lan_address():
    """A non-loopback IPv4 address of this host (GatewayPorts rows)."""
    out = subprocess.run(["ip", "-4", "-o", "addr", "show", "scope", "global"],
                         capture_output=True, text=True).stdout
    m = re.search(r"inet (\d+\.\d+\.\d+\.\d+)/", out)
    return m.group(1) if m else None


def listeners(port):
    """Local addresses listening on TCP port, as ss prints them."""
    out = subprocess.run([SS, "-Hltn", f"sport = :{port}"], capture_output=True, text=True,
                         check=True).stdout
    addrs = set()
    for line in out.splitlines():
        f = line.split()
        if len(f) >= 4:
            addrs.add(f[3].rsplit(":", 1)[0])
    return addrs


def classify(addrs):
    if addrs in ({"0.0.0.0", "[::]"}, {"*"}):
        return "wildcard"
    if addrs == {"127.0.0.1", "[::1]"}:
        return "loopback"
    return ",".join(sorted(addrs))


def echo_through(connect, tag):
    """Send a line through a forward; True when it comes back."""
    msg = f"policy-row {tag}\n".encode()
    try:
        with connect() as c:
            c.settimeout(TIMEOUT)
            c.sendall(msg)
            got = b""
            while len(got) < len(msg):
                d = c.recv(4096)
                if not d:
                    break
                got += d
            return got == msg
    except OSError:
        return False


def wait(cond, proc, timeout=TIMEOUT):
    """Poll cond() until it gives a true value or proc exits."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        v = cond()
        if v:
            return v
        if proc.p.poll() is not None:
            proc.drain()
            return cond()
        time.sleep(0.02)
    return None


class Sshd:
    def __init__(self, work, name, group, subst):
        cfg_lines, opts, user = group
        self.dir = work / name
        self.dir.mkdir()
        os.chmod(self.dir, 0o777)
        self.user = user
        self.subst = subst
        self.log = self.dir / "sshd.log"
        ak = self.dir / "authorized_keys"
        pub = (work / "id.pub").read_text().strip()
        ak.write_text((opts.format(**subst) + " " if opts else "") + pub + "\n")
        os.chmod(ak, 0o644)
        self.cfg = self.dir / "sshd_config"
        extra = cfg_lines.format(**subst)
        self.cfg.write_text(
            (extra + "\n" if extra else "") + f"""\
ListenAddress 127.0.0.1
HostKey {work}/host_key
PidFile none
UsePAM no
StrictModes no
PermitRootLogin yes
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
AuthorizedKeysFile {ak}
StreamLocalBindUnlink yes
LogLevel DEBUG1
MaxStartups 100
""")
        r = subprocess.run([SSHD, "-t", "-f", str(self.cfg)], capture_output=True, text=True)
        assert r.returncode == 0, f"{name}: sshd -t: {r.stderr}"
        for _ in range(10):
            self.port = free_port()
            self.proc = Proc([SSHD, "-D", "-E", str(self.log), "-f", str(self.cfg),
                              "-p", str(self.port)])
            ok = wait(lambda: self._up(), self.proc, timeout=5)
            if ok:
                return
            self.proc.stop()
        raise RuntimeError(f"{name}: sshd did not start: {self.log.read_text()}")

    def _up(self):
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                return True
        except OSError:
            return False

    def stop(self):
        self.proc.stop()


def ssh_argv(work, sshd, *fwd):
    return [SSH, "-F", "/dev/null", "-i", str(work / "id"), "-p", str(sshd.port),
            "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no",
            "-o", "UserKnownHostsFile=/dev/null", "-o", "IdentitiesOnly=yes",
            "-o", "ExitOnForwardFailure=yes", "-o", "ConnectTimeout=10", "-v",
            *fwd, "-N", f"{sshd.user}@127.0.0.1"]


def bracket(host):
    return f"[{host}]" if ":" in host else host


def run_local(work, sshd, target, tag, stream=False):
    lp = free_port()
    proc = Proc(ssh_argv(work, sshd, "-L", f"127.0.0.1:{lp}:{target}"))
    try:
        # ssh listens only once logged in, so the first connection that
        # gets through is already a forwarding attempt.
        def connect():
            try:
                return socket.create_connection(("127.0.0.1", lp), timeout=5)
            except OSError:
                return None
        c = wait(connect, proc)
        if c is None:
            return "error: " + proc.text()[-500:]
        ok = echo_through(lambda: c, tag)
        if ok:
            return "ok"
        # The refusal reaches ssh as a channel open failure.
        wait(lambda: "open failed" in proc.text(), proc, timeout=3)
        if "administratively prohibited" in proc.text():
            return "denied"
        # sshd refuses direct-streamlocal with reason 2 (connect failed),
        # not 1 (administratively prohibited); the target socket is there
        # and open to all, so a failure here is the policy.
        if stream and "open failed: connect failed: open failed" in proc.text():
            return "denied"
        return "error: " + proc.text()[-500:]
    finally:
        proc.stop()


def run_remote(work, sshd, bind, port, tag):
    spec = f"{bracket(bind)}:{port}" if bind is not None else f"{port}"
    proc = Proc(ssh_argv(work, sshd, "-R", f"{spec}:127.0.0.1:{sshd.subst['E']}"))
    try:
        def state():
            t = proc.text()
            if "remote port forwarding failed" in t:
                return "denied"
            p = int(port)
            if p == 0:
                m = re.search(r"Allocated port (\d+) for remote forward", t)
                if not m:
                    return None
                p = int(m.group(1))
            if "all expected forwarding replies received" not in t:
                return None
            return p
        st = wait(state, proc)
        if st == "denied":
            return "denied"
        if st is None:
            return "error: " + proc.text()[-500:]
        addrs = listeners(st)
        if not addrs:
            return "error: nothing listens on %d" % st
        cls = classify(addrs)
        host = "127.0.0.1" if cls in ("loopback", "wildcard") else sorted(addrs)[0].strip("[]")
        if host == "0.0.0.0":
            host = "127.0.0.1"
        ok = echo_through(lambda: socket.create_connection((host, st), timeout=5), tag)
        return f"ok@{cls}" if ok else f"error: no echo through {host}:{st}"
    finally:
        proc.stop()


def run_stream_remote(work, sshd, path, tag):
    if os.path.exists(path):
        os.unlink(path)
    proc = Proc(ssh_argv(work, sshd, "-R", f"{path}:127.0.0.1:{sshd.subst['E']}"))
    try:
        def state():
            t = proc.text()
            if "remote port forwarding failed" in t:
                return "denied"
            if "all expected forwarding replies received" in t:
                return "up"
            return None
        st = wait(state, proc)
        if st != "up":
            return st or "error: " + proc.text()[-500:]

        def conn():
            s = socket.socket(socket.AF_UNIX)
            s.settimeout(5)
            s.connect(path)
            return s
        return "ok" if echo_through(conn, tag) else "error: no echo through " + path
    finally:
        proc.stop()
        if os.path.exists(path):
            os.unlink(path)


def run_tun(work, sshd, mode, unit):
    proc = Proc(ssh_argv(work, sshd, "-o", f"Tunnel={mode}", "-w", f"any:{unit}"))
    try:
        def state():
            t = proc.text()
            if "tunnel forward established" in t:
                return "ok"
            if "Tunnel forwarding failed" in t:
                return "denied"
            return None
        return wait(state, proc) or "error: " + proc.text()[-500:]
    finally:
        proc.stop()


def run_row(work, sshd, row):
    rid, _, req, expected = row
    s = sshd.subst
    if any("{LAN}" in a for a in req[1:]) and s["LAN"] is None:
        return expected  # no such address here: nothing to check
    kind = req[0]
    args = [a.format(**s) for a in req[1:]]
    if kind == "L":
        return run_local(work, sshd, f"{bracket(args[0])}:{args[1]}", rid)
    if kind == "SL":
        return run_local(work, sshd, args[0], rid, stream=True)
    if kind == "R":
        return run_remote(work, sshd, args[0], args[1], rid)
    if kind == "SR":
        return run_stream_remote(work, sshd, args[0], rid)
    if kind == "TUN":
        return run_tun(work, sshd, args[0], args[1])
    raise ValueError(kind)


def run_group(work, name, rows, subst):
    try:
        sshd = Sshd(work, name, GROUPS[name], subst)
    except (AssertionError, RuntimeError) as e:
        return [(row, f"error: {e}") for row in rows]
    try:
        return [(row, run_row(work, sshd, row)) for row in rows]
    finally:
        sshd.stop()


@pytest.fixture(scope="module")
def work():
    # Not tmp_path: the unprivileged user must be able to read the key file
    # and create sockets here, and pytest's base directory is private.
    d = pathlib.Path(tempfile.mkdtemp(prefix="slc-policy-"))
    os.chmod(d, 0o755)
    os.makedirs("/run/sshd", exist_ok=True)
    subprocess.run([SSH_KEYGEN, "-q", "-t", "ed25519", "-N", "", "-f", str(d / "host_key")],
                   check=True)
    subprocess.run([SSH_KEYGEN, "-q", "-t", "ed25519", "-N", "", "-f", str(d / "id")],
                   check=True)
    yield d
    if os.environ.get("SLUICE_POLICY_KEEP"):
        print(f"kept {d}")
    else:
        shutil.rmtree(d, ignore_errors=True)


def test_rows_are_well_formed():
    ids = [r[0] for r in ROWS]
    assert len(ids) == len(set(ids))
    for rid, group, req, _ in ROWS:
        assert group in GROUPS, rid
        assert req[0] in ("L", "R", "SL", "SR", "TUN"), rid


# The values test_policy.c uses for the placeholders.
C_VALUES = {"E": 7000, "E2": 7001, "P": 8000, "Q": 8001, "LOW": 1000, "S": "/tmp/pol/echo.sock",
            "RS": "/tmp/pol/remote.sock", "TUN": 4711, "TUN2": 4712, "TUN3": 4713,
            "LAN": "192.0.2.2"}
C_STR = r'"((?:[^"\\]|\\.)*)"'


def c_unquote(lit):
    if lit == "NULL":
        return None
    return lit[1:-1].encode().decode("unicode_escape")


def c_tables():
    text = (ROOT / "tests" / "unit" / "test_policy.c").read_text()
    groups = {}
    for m in re.finditer(rf'\{{\s*({C_STR}),\s*({C_STR}),\s*({C_STR}|NULL),\s*({C_STR})\s*\}},',
                         text):
        groups[c_unquote(m.group(1))] = (c_unquote(m.group(3)), c_unquote(m.group(5)),
                                         c_unquote(m.group(7)))
    rows = []
    for m in re.finditer(rf'\{{\s*{C_STR},\s*{C_STR},\s*(L|R|SL|SR|TUN)\(([^)]*)\),\s*{C_STR},'
                         r'\s*\w+\s*\},', text):
        args = [a.strip() for a in m.group(4).split(",")]
        rows.append((m.group(1), m.group(2), m.group(3), args, m.group(5)))
    return groups, rows


def c_request(req):
    """A ROWS request as test_policy.c writes it."""
    kind = req[0]
    args = [str(a).format(**C_VALUES) for a in req[1:]]
    if kind == "R" and args[0] == "*":
        args[0] = ""  # what ssh sends for -R '*:port'
    if kind in ("L", "R"):
        return kind, [f'"{args[0]}"', args[1]]
    if kind in ("SL", "SR"):
        return kind, [f'"{args[0]}"']
    mode = {"point-to-point": "POLICY_TUN_POINTOPOINT", "ethernet": "POLICY_TUN_ETHERNET"}
    return kind, [mode[args[0]], "POLICY_TUN_ANY" if args[1] == "any" else args[1]]


def test_unit_table_matches():
    """tests/unit/test_policy.c holds the same groups and rows."""
    groups, rows = c_tables()
    want_groups = {name: (cfg.format(**C_VALUES), opts.format(**C_VALUES) if opts else None, user)
                   for name, (cfg, opts, user) in GROUPS.items()}
    assert groups == want_groups
    want_rows = [(rid, group, *c_request(req), expected) for rid, group, req, expected in ROWS]
    assert rows == want_rows


def test_openssh_follows_the_table(work):
    echo = Echo(str(work / "echo.sock"))
    subst = {
        "E": echo.ports[0],
        "E2": echo.ports[1],
        "LAN": lan_address(),
        "S": str(work / "echo.sock"),
        # Unit numbers far from what anything else on the machine uses, one
        # per group that opens a fixed unit (groups run in parallel).
        "TUN": 4711,
        "TUN2": 4712,
        "TUN3": 4713,
    }
    by_group = {}
    for row in ROWS:
        by_group.setdefault(row[1], []).append(row)
    results = []
    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=8) as ex:
            futs = []
            for name, rows in by_group.items():
                s = dict(subst, P=free_port(), Q=free_port(), LOW=free_port(low=True),
                         RS=str(work / name / "remote.sock"))
                futs.append(ex.submit(run_group, work, name, rows, s))
            for f in futs:
                results += f.result()
    finally:
        echo.close()
    order = {r[0]: i for i, r in enumerate(ROWS)}
    results.sort(key=lambda x: order[x[0][0]])
    if os.environ.get("SLUICE_POLICY_SHOW"):
        for row, got in results:
            print(f"{row[0]:24} {row[1]:18} {str(row[2]):40} {got}")
    bad = [f"{row[0]}: expected {row[3]}, OpenSSH gave {got}" for row, got in results
           if got != row[3]]
    assert not bad, "\n".join(bad)
