#!/bin/sh
# Publishes the front end: `aws s3 sync` of frontend/ into the website bucket, and a config.js
# written from the stack's outputs, so the page finds the WebSocket API without hand-editing.
#
#   ./publish.sh BUCKET WEBSOCKET_URL
#
# It talks to whatever the AWS CLI is pointed at: AWS itself, or a Fogbank node when
# AWS_ENDPOINT_URL is set.
set -eu
if [ $# -ne 2 ]; then
  echo "usage: $0 BUCKET WEBSOCKET_URL (the stack's WebsiteBucket and WebSocketUrl outputs)" >&2
  exit 2
fi
bucket=$1
url=$2
here=$(cd "$(dirname "$0")" && pwd)

aws s3 sync "$here/frontend" "s3://$bucket/" --delete --exclude config.js --no-progress
printf 'window.CHAT_CONFIG = { webSocketUrl: "%s" };\n' "$url" |
  aws s3 cp - "s3://$bucket/config.js" --content-type "text/javascript; charset=utf-8" \
    --cache-control no-cache
