# report: see locales/README.md
