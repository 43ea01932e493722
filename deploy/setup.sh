#!/usr/bin/env bash
# Prepares an empty Google Cloud project for autorunner; `gcloud builds submit` (printed at the end)
# then builds and deploys both services. Re-runnable: everything is looked up before it is created,
# so a second run changes nothing. It never prints the webhook secret (terminal scroll-back and CI
# logs outlive it): it prints the command that reads it.
#
#   deploy/setup.sh PROJECT_ID [GITHUB_APP_PRIVATE_KEY.pem]
#
# The key file is needed on the first run (it becomes a Secret Manager secret); given again with
# other content, it is stored as the secret's new version (key rotation).
# Environment: REGION (us-central1), REPOSITORY (autorunner), QUEUE (autorunner),
# STORE_LOCATION (REGION: where the handler's Firestore database lives; fixed once created),
# VM_SERVICE_ACCOUNT=yes to give the runner VMs a role-less service account instead of none.
#
# Needs gcloud, logged in as someone who may administer the project (owner), and openssl.
set -euo pipefail

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
  echo "usage: deploy/setup.sh PROJECT_ID [GITHUB_APP_PRIVATE_KEY.pem]" >&2
  exit 2
fi
project=$1
key_file=${2:-}
region=${REGION:-us-central1}
repository=${REPOSITORY:-autorunner}
queue=${QUEUE:-autorunner}
store_location=${STORE_LOCATION:-$region}
vm_service_account=${VM_SERVICE_ACCOUNT:-no}

webhook_secret=autorunner-webhook-secret
app_key_secret=autorunner-github-app-key
reconcile_job=autorunner-reconcile
# The handler's shared state: autorunner.store.database and the ledger's kind and expiry field.
store_database=autorunner
ledger_kind=JobReplacements
ledger_ttl_field=expireAt
sa_domain=$project.iam.gserviceaccount.com
scheduler_sa=autorunner-scheduler@$sa_domain
handler_sa=autorunner-handler@$sa_domain
invoker_sa=autorunner-invoker@$sa_domain
deployer_sa=autorunner-deployer@$sa_domain
vm_sa=autorunner-vm@$sa_domain

say() { printf '== %s\n' "$*"; }

# Whether `gcloud ARGS… describe` finds the resource (its output is not needed).
exists() { gcloud "$@" > /dev/null 2>&1; }

# grant ROLE MEMBER "COMMAND GROUP" RESOURCE [FLAGS…]: adds the binding unless the resource's
# policy has it already.
grant() {
  local role=$1 member=$2 group resource=$4 policy
  read -ra group <<< "$3"
  shift 4
  policy=$(gcloud "${group[@]}" get-iam-policy "$resource" "$@" \
    --flatten='bindings[].members' --format='csv[no-heading](bindings.role,bindings.members)')
  if ! grep -qxF "$role,$member" <<< "$policy"; then
    # A service account created a moment ago may not be visible to IAM yet: try again a few times.
    local attempt
    for attempt in 1 2 3 4 5; do
      if gcloud "${group[@]}" add-iam-policy-binding "$resource" "$@" \
        --role="$role" --member="$member" --quiet > /dev/null; then
        echo "   granted $role to $member"
        return
      fi
      echo "   granting $role to $member failed (attempt $attempt), retrying" >&2
      sleep "${GRANT_RETRY_SECONDS:-10}"
    done
    return 1
  fi
}

# service_account NAME DESCRIPTION
service_account() {
  if ! exists iam service-accounts describe "$1@$sa_domain" --project="$project"; then
    gcloud iam service-accounts create "$1" --display-name="$2" --project="$project"
  fi
}

say "APIs"
apis=(run.googleapis.com cloudtasks.googleapis.com compute.googleapis.com
  secretmanager.googleapis.com cloudscheduler.googleapis.com artifactregistry.googleapis.com
  cloudbuild.googleapis.com iam.googleapis.com firestore.googleapis.com datastore.googleapis.com)
enabled=$(gcloud services list --enabled --project="$project" --format='value(config.name)')
missing=()
for api in "${apis[@]}"; do
  grep -qxF "$api" <<< "$enabled" || missing+=("$api")
done
if [ ${#missing[@]} -gt 0 ]; then
  gcloud services enable "${missing[@]}" --project="$project"
fi
project_number=$(gcloud projects describe "$project" --format='value(projectNumber)')
# Cloud Run's deterministic URLs: known before the first deployment, so the scheduler, the
# reconcile job and the handler's audience check can all name the handler from the start.
handler_url=https://autorunner-handler-$project_number.$region.run.app
scheduler_url=https://autorunner-scheduler-$project_number.$region.run.app

say "service accounts (least privilege)"
service_account autorunner-scheduler "autorunner scheduler: enqueues tasks"
service_account autorunner-invoker "autorunner invoker: the identity tasks call the handler with"
service_account autorunner-handler "autorunner handler: manages runner VMs"
service_account autorunner-deployer "autorunner deployer: Cloud Build's identity"
# The scheduler puts the invoker's identity on each task: it must be allowed to act as it.
grant roles/iam.serviceAccountUser "serviceAccount:$scheduler_sa" \
  "iam service-accounts" "$invoker_sa" --project="$project"
# The handler creates, lists and deletes instances in this project, nothing else.
grant roles/compute.instanceAdmin.v1 "serviceAccount:$handler_sa" projects "$project"
if [ "$vm_service_account" = yes ]; then
  # A role-less identity: jobs on the VMs get no project credentials from the metadata server.
  service_account autorunner-vm "autorunner runner VMs: no roles"
  grant roles/iam.serviceAccountUser "serviceAccount:$handler_sa" \
    "iam service-accounts" "$vm_sa" --project="$project"
fi
# Cloud Build deploys both services as themselves and grants the invoker run.invoker on the
# handler service only (the service does not exist before the first build).
grant roles/run.admin "serviceAccount:$deployer_sa" projects "$project"
grant roles/logging.logWriter "serviceAccount:$deployer_sa" projects "$project"
grant roles/iam.serviceAccountUser "serviceAccount:$deployer_sa" \
  "iam service-accounts" "$scheduler_sa" --project="$project"
grant roles/iam.serviceAccountUser "serviceAccount:$deployer_sa" \
  "iam service-accounts" "$handler_sa" --project="$project"

say "Artifact Registry repository $repository"
if ! exists artifacts repositories describe "$repository" --location="$region" --project="$project"; then
  gcloud artifacts repositories create "$repository" --repository-format=docker \
    --location="$region" --description="autorunner images" --project="$project"
fi
grant roles/artifactregistry.writer "serviceAccount:$deployer_sa" \
  "artifacts repositories" "$repository" --location="$region" --project="$project"
# `gcloud builds submit` uploads the source here; the deployer reads it from this bucket only.
source_bucket=gs://${project}_cloudbuild
if ! exists storage buckets describe "$source_bucket" --project="$project"; then
  gcloud storage buckets create "$source_bucket" --location="$region" \
    --uniform-bucket-level-access --project="$project"
fi
grant roles/storage.objectViewer "serviceAccount:$deployer_sa" \
  "storage buckets" "$source_bucket" --project="$project"

say "Cloud Tasks queue $queue"
# Retries carry the invariant "no job is stranded": a stock-out or a GitHub 5xx answers non-2xx
# and the task comes back, 10 s, 20 s, … doubling 5 times, then every 5 min, for up to 30
# attempts (about 2 hours) before Cloud Tasks gives up; the reconciler cleans what is left.
# At most 10 VM inserts run at once, which also bounds the handler's Cloud Run instances.
if ! exists tasks queues describe "$queue" --location="$region" --project="$project"; then
  gcloud tasks queues create "$queue" --location="$region" --project="$project" \
    --max-attempts=30 --min-backoff=10s --max-backoff=300s --max-doublings=5 \
    --max-concurrent-dispatches=10 --max-dispatches-per-second=5
fi
grant roles/cloudtasks.enqueuer "serviceAccount:$scheduler_sa" \
  "tasks queues" "$queue" --location="$region" --project="$project"

say "Firestore database $store_database (Datastore mode)"
# What every handler instance must share and what must survive their restarts (how many
# replacement VMs each job has had, and their names) lives here, not in one instance's memory.
if ! exists firestore databases describe --database="$store_database" --project="$project"; then
  gcloud firestore databases create --database="$store_database" --location="$store_location" \
    --type=datastore-mode --project="$project"
fi
# Each job's entity carries expireAt (a week after its last change): Datastore deletes it then, so
# the ledger does not grow with every job ever run. Enabling runs in the background.
ttls=$(gcloud firestore fields ttls list --collection-group="$ledger_kind" \
  --database="$store_database" --project="$project" --format='value(name.basename())')
if ! grep -qxF "$ledger_ttl_field" <<< "$ttls"; then
  gcloud firestore fields ttls update "$ledger_ttl_field" --collection-group="$ledger_kind" \
    --enable-ttl --async --database="$store_database" --project="$project"
fi
# Entity reads and writes only: no index, database or IAM administration.
grant roles/datastore.user "serviceAccount:$handler_sa" projects "$project"

say "secrets"
if ! exists secrets describe "$webhook_secret" --project="$project"; then
  openssl rand -hex 32 | tr -d '\n' \
    | gcloud secrets create "$webhook_secret" --data-file=- --replication-policy=automatic \
      --project="$project"
fi
if ! exists secrets describe "$app_key_secret" --project="$project"; then
  if [ -z "$key_file" ]; then
    echo "the GitHub App's private key is not stored yet: pass its .pem file as the 2nd argument" >&2
    exit 2
  fi
  gcloud secrets create "$app_key_secret" --data-file="$key_file" \
    --replication-policy=automatic --project="$project"
elif [ -n "$key_file" ]; then
  current=$(gcloud secrets versions access latest --secret="$app_key_secret" --project="$project")
  if [ "$current" != "$(cat "$key_file")" ]; then
    gcloud secrets versions add "$app_key_secret" --data-file="$key_file" --project="$project"
  fi
fi
# Each service reads only its own secret.
grant roles/secretmanager.secretAccessor "serviceAccount:$scheduler_sa" \
  secrets "$webhook_secret" --project="$project"
grant roles/secretmanager.secretAccessor "serviceAccount:$handler_sa" \
  secrets "$app_key_secret" --project="$project"

say "Cloud Scheduler job $reconcile_job"
# The safety net: every 5 minutes the handler deletes orphans and stuck VMs. The call carries the
# invoker's OIDC token, like a task's.
if ! exists scheduler jobs describe "$reconcile_job" --location="$region" --project="$project"; then
  gcloud scheduler jobs create http "$reconcile_job" --location="$region" --project="$project" \
    --schedule="*/5 * * * *" --http-method=POST --uri="$handler_url/tasks/reconcile" \
    --oidc-service-account-email="$invoker_sa" --oidc-token-audience="$handler_url" \
    --attempt-deadline=300s
fi

cat << EOF

Done. Now build and deploy both services (about 10 minutes):

  gcloud builds submit --project=$project --region=$region --config=cloudbuild.yaml \\
    --substitutions=_REGION=$region,_REPOSITORY=$repository,_QUEUE=$queue,_GITHUB_APP_ID=YOUR_APP_ID,SHORT_SHA=\$(git rev-parse --short HEAD)

Then paste these into your GitHub App (Settings → Developer settings → GitHub Apps → Webhook):

  Webhook URL:    $scheduler_url/webhook
  Webhook secret: the output of
    gcloud secrets versions access latest --secret=$webhook_secret --project=$project
EOF
