# rows: see locales/README.md
