-- slipway health pages a deployment's rounds in the order they ran, across its phases.
create index check_results_in_order on check_results (deployment_id, id);
