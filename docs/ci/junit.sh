# Any CI that reads JUnit XML (Jenkins, Azure Pipelines, Buildkite, CircleCI):
sharing-audit check --format junit -o sharing-audit-junit.xml
