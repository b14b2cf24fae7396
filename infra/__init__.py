"""The CDK app that deploys Service Job CRM (issue 5). Every fact it deploys is read from the core
package (`servicejob.deployment_spec`, `servicejob.dal.table_spec`, `servicejob.config.Settings`)."""
