"""The legal team's pages (/cases/): the case list, opening a case, screening, the case file. No business logic."""
