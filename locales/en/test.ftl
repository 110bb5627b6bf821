# test: see locales/README.md
