# Public, read-only Taraza site. Build data/public.db first (`python3 dev.py run` or `taraza build`).
# The agencies' draft check page is never part of this image: it runs only under `taraza serve --local`.
FROM python:3.11-slim-bookworm
WORKDIR /app
RUN pip install --no-cache-dir "datasette==0.65.5" "datasette-render-markdown==2.2.1" \
    "datasette-block-robots==1.1.1" "datasette-search-all==1.1.4" "datasette-dashboards==0.8.0" \
    "datasette-leaflet==0.2.2" "PyStemmer==3.1.0" "PyYAML>=6,<7" \
    "pymorphy3==2.0.6" "pymorphy3-dicts-ru==2.4.417150.4580142"
COPY rules/__init__.py rules/ky_stem.py rules/ky_suffixes.yml rules/
COPY plugins/fts_ru_ky.py plugins/quiet_client_errors.py plugins/column_labels.py plugins/
COPY templates/ templates/
COPY data/public.db taraza.db
COPY data/public.metadata.yml metadata.yml
ENV PYTHONPATH=/app PORT=8001
RUN datasette inspect taraza.db --inspect-file inspect-data.json
EXPOSE 8001
CMD datasette serve -i taraza.db --inspect-file inspect-data.json -m metadata.yml \
    --plugins-dir plugins --template-dir templates --host 0.0.0.0 --port $PORT \
    --setting sql_time_limit_ms 3000 --setting facet_time_limit_ms 500 --setting suggest_facets off \
    --setting max_returned_rows 1000 --setting default_page_size 50 --setting truncate_cells_html 400 \
    --setting default_cache_ttl 3600
