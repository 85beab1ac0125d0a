/**
 * Tabular rows for the CLI's train, attack and reproduce commands: the tabular adapter's
 * readers (the census preset or a CSV with the model's preprocessing), re-exported.
 */
export {
  baselineFor,
  census,
  loadRows,
  loadTrainingCsv,
  type DataFlags,
  type TabularRows,
} from '@orderlens/tabular';
