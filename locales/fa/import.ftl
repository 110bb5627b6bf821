# import: see locales/README.md
