# yaml: see locales/README.md
