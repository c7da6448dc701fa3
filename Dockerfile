# Switchboard container images.
#
#   docker build -t switchboard .                  # API + worker image (default target)
#   docker build -t switchboard-web --target web . # static web app behind nginx
#
# The API image runs `node apps/api/dist/main.js`; the worker uses the same
# image with the command `node apps/api/dist/worker.js` (see docker-compose.yml).

ARG NODE_IMAGE=node:22-bookworm-slim

# --- base ---------------------------------------------------------------------
FROM ${NODE_IMAGE} AS base
WORKDIR /app
ENV TURBO_TELEMETRY_DISABLED=1 \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false

# --- manifests: only what npm needs, so dependency layers stay cached --------
FROM base AS manifests
COPY package.json package-lock.json .npmrc ./
COPY apps/api/package.json apps/api/
COPY apps/web/package.json apps/web/
COPY packages/ai/package.json packages/ai/
COPY packages/schema/package.json packages/schema/

# `npm ci` installs exactly the lock file (which records turbo's binaries for
# every platform, so it is complete on any build machine).

# --- deps: full install (dev dependencies are needed to build) ---------------
FROM manifests AS deps
RUN npm ci

# --- prod-deps: runtime dependencies only ------------------------------------
FROM manifests AS prod-deps
RUN npm ci --omit=dev && npm cache clean --force

# --- build: compile every workspace (turbo: packages, api, web) -------------
FROM deps AS build
COPY . .
RUN npm run build

# --- web: the built Vite app served by nginx, proxying /graphql, /exports/ and /attachments/ to the API ---
FROM nginx:1.27-alpine AS web
# The nginx image runs envsubst on /etc/nginx/templates/*.template at start-up,
# replacing only variables that are set in the environment (here API_UPSTREAM),
# so nginx's own $variables are left alone.
ENV API_UPSTREAM=api:4000
RUN rm -f /etc/nginx/conf.d/default.conf \
 && mkdir -p /etc/nginx/templates \
 && printf '%s\n' \
    'map $http_upgrade $connection_upgrade {' \
    '  default upgrade;' \
    '  "" close;' \
    '}' \
    'server {' \
    '  listen 8080;' \
    '  server_name _;' \
    '  root /usr/share/nginx/html;' \
    '' \
    '  location = /graphql {' \
    '    # File uploads (multipart): ATTACHMENT_MAX_BYTES (10 MiB) plus the form around it.' \
    '    client_max_body_size 11m;' \
    '    proxy_pass http://${API_UPSTREAM};' \
    '    proxy_http_version 1.1;' \
    '    proxy_set_header Upgrade $http_upgrade;' \
    '    proxy_set_header Connection $connection_upgrade;' \
    '    proxy_set_header Host $host;' \
    '    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;' \
    '    proxy_set_header X-Forwarded-Proto $scheme;' \
    '    proxy_read_timeout 1h;' \
    '    proxy_send_timeout 1h;' \
    '  }' \
    '' \
    '  location /exports/ {' \
    '    proxy_pass http://${API_UPSTREAM};' \
    '    proxy_http_version 1.1;' \
    '    proxy_set_header Host $host;' \
    '    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;' \
    '    proxy_set_header X-Forwarded-Proto $scheme;' \
    '    proxy_buffering off;' \
    '    proxy_read_timeout 1h;' \
    '  }' \
    '' \
    '  location /attachments/ {' \
    '    proxy_pass http://${API_UPSTREAM};' \
    '    proxy_http_version 1.1;' \
    '    proxy_set_header Host $host;' \
    '    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;' \
    '    proxy_set_header X-Forwarded-Proto $scheme;' \
    '  }' \
    '' \
    '  location /assets/ {' \
    '    add_header Cache-Control "public, max-age=31536000, immutable";' \
    '    try_files $uri =404;' \
    '  }' \
    '' \
    '  location / {' \
    '    add_header Cache-Control "no-cache";' \
    '    try_files $uri $uri/ /index.html;' \
    '  }' \
    '}' \
    > /etc/nginx/templates/default.conf.template
COPY --from=build /app/apps/web/dist /usr/share/nginx/html
EXPOSE 8080

# --- runtime: API and worker (default target) --------------------------------
FROM base AS runtime
ENV NODE_ENV=production \
    NODE_OPTIONS=--enable-source-maps
# Manifests plus production node_modules (root and any nested per workspace).
COPY --from=prod-deps /app ./
# Workspace packages are symlinked from node_modules/@switchboard/*, so their
# build output must be present at the same paths.
COPY --from=build /app/packages ./packages
COPY --from=build /app/apps/api/dist ./apps/api/dist
# Embedded PGlite data directory (only used when DATABASE_URL is not set), and
# the default attachments directory (a volume in docker-compose.yml; created
# here so the volume starts owned by the node user).
RUN mkdir -p /app/.data/attachments && chown -R node:node /app/.data
USER node
EXPOSE 4000
# No HEALTHCHECK here: the worker shares this image and serves no HTTP.
# docker-compose.yml adds one for the api service (GET /healthz).
CMD ["node", "--experimental-async-context-frame", "apps/api/dist/main.js"]
