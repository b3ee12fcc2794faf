# Installation rules (cmake --install): the executable, systemd units, example hooks.
