/**
 * The rendering context (§12): one object per run for the list levels, and a shallow copy per item, so that items
 * processed side by side each see their own `list_response_item`, `detail_response`, `software_response`.
 */
export type Context = Record<string, unknown>;

export type LevelKind = 'exploratory' | 'pre_list' | 'list';

export interface LevelNames {
  behaviour: 'exploratory_list_behavior' | 'pre_list_behavior' | 'list_behavior';
  iteration: string;
  response: string;
  headers: string;
  links: string;
  /** The variable set per item of an outer level (the list level has none: its items go to detail). */
  item?: string;
}

export const LEVELS: Record<LevelKind, LevelNames> = {
  exploratory: {
    behaviour: 'exploratory_list_behavior',
    iteration: 'exploratory_list_iteration',
    response: 'exploratory_list_response',
    headers: 'exploratory_list_response_headers',
    links: 'exploratory_list_response_links',
    item: 'exploratory_list_response_item',
  },
  pre_list: {
    behaviour: 'pre_list_behavior',
    iteration: 'pre_list_iteration',
    response: 'pre_list_response',
    headers: 'pre_list_response_headers',
    links: 'pre_list_response_links',
    item: 'pre_list_response_item',
  },
  list: {
    behaviour: 'list_behavior',
    iteration: 'iteration',
    response: 'list_response',
    headers: 'list_response_headers',
    links: 'list_response_links',
  },
};
