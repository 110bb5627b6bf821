# simulate: see locales/README.md
