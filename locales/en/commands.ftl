# commands: see locales/README.md
