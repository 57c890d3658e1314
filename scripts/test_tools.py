"""The system programs `make test` needs besides Python, installed or named at once.

The browser tests drive Debian's Chromium; the `tools` tests run Debian's age, nginx and tor,
and build the log's Go cross-check with golang-go and golang-golang-x-mod-dev;
`python -m venv` needs ensurepip, which Debian ships apart. As root with apt-get they are
installed; otherwise this stops with one line naming the packages and the command.
Only the standard library: it runs before the virtual environment exists.
"""

import importlib.util
import os
import shutil
import subprocess
import sys

# program on PATH (or module) -> Debian package
PROGRAMS = {
    "chromium": "chromium",
    "age": "age",
    "age-keygen": "age",
    "nginx": "nginx-light",
    "tor": "tor",
    "go": "golang-go",
}
# Go packages the log's cross-check builds against, offline -> Debian package
GO_SOURCES = {"/usr/share/gocode/src/golang.org/x/mod/sumdb": "golang-golang-x-mod-dev"}


# nginx lives in /usr/sbin, which a user's PATH on Debian leaves out.
SEARCH = os.environ.get("PATH", "") + os.pathsep + "/usr/sbin"


def missing_packages() -> list[str]:
    packages = []
    for program, package in PROGRAMS.items():
        found = shutil.which(program, path=SEARCH)
        chromium = os.environ.get("CHROMIUM_PATH")
        if program == "chromium" and chromium:
            found = chromium if os.path.exists(chromium) else None
        if not found and package not in packages:
            packages.append(package)
    for path, package in GO_SOURCES.items():
        if not os.path.isdir(path):
            packages.append(package)
    if importlib.util.find_spec("ensurepip") is None:
        packages.append(f"python3.{sys.version_info.minor}-venv")
    return packages


def main() -> int:
    packages = missing_packages()
    if not packages:
        return 0
    apt = shutil.which("apt-get")
    if apt and hasattr(os, "geteuid") and os.geteuid() == 0:
        print(f"make test: installing {' '.join(packages)} with apt-get", flush=True)
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        install = [apt, "install", "-y", "-qq", "--no-install-recommends", *packages]
        # Fixed Debian package names from the table above, no input.
        subprocess.run([apt, "update", "-qq"], check=True, env=env)  # noqa: S603
        subprocess.run(install, check=True, env=env)  # noqa: S603
        still = missing_packages()
        if not still:
            return 0
        packages = still
    print(
        f"make test needs {', '.join(packages)}: run `sudo apt-get install {' '.join(packages)}`",
        file=sys.stderr,
    )
    return 1


if __name__ == "__main__":
    sys.exit(main())
