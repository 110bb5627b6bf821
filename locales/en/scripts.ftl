# scripts: see locales/README.md
