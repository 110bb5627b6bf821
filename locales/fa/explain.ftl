# explain: see locales/README.md
