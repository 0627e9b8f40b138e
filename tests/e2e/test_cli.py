"""The programs exist and answer --help and bad usage as OpenSSH's do."""
import subprocess


def test_sluice_usage(sluice):
    r = subprocess.run([sluice, "--help"], capture_output=True, text=True)
    assert r.returncode == 0
    assert r.stdout.startswith("usage: sluice ")
    r = subprocess.run([sluice], capture_output=True, text=True)
    assert r.returncode == 255
    assert "usage: sluice" in r.stderr


def test_sluiced_usage(sluiced):
    r = subprocess.run([sluiced, "--help"], capture_output=True, text=True)
    assert r.returncode == 0
    assert r.stdout.startswith("usage: sluiced ")
