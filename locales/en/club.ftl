# club: see locales/README.md
