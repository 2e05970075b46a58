# Make targets for images and the Helm chart. The top-level Makefile includes this file:
#   include deploy/deploy.mk
# and lets `test` depend on `helm-verify`.
.PHONY: images helm-verify helm-check-code

images:
	bash deploy/images.sh

helm-verify:
	bash deploy/helm/verify.sh

# The chart-vs-code check alone against another checkout: make helm-check-code CODE=/path/to/repo
helm-check-code:
	AGORA_CODE_ROOT=$(or $(CODE),$(CURDIR)) bash deploy/helm/verify.sh
