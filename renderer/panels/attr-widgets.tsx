// Attribute widgets by descriptor type (ComfyUI's ComfyWidgets): the inspector looks the type up
// here, so a new layer kind gets its form with no code (initializer attributes use InitializerField,
// the picker with arguments that parameters use too). Values are stored as typed; range checks
// are the engine's (its problems show on the node), so a person can type through a bad value.
import type { ReactElement } from 'react';
import type { AttrInfo } from '../graph/catalog.ts';

export interface WidgetProps {
  attr: AttrInfo;
  value: unknown;
  initializers: readonly string[];
  onChange(value: unknown): void;
}

type Widget = (props: WidgetProps) => ReactElement;

function numberWidget(integer: boolean): Widget {
  return function NumberWidget({ attr, value, onChange }) {
    return (
      <input
        type="number"
        step={integer ? 1 : 'any'}
        value={typeof value === 'number' ? value : ''}
        placeholder={attr.required ? 'required' : String(attr.default ?? '')}
        onChange={(e) => onChange(e.target.value === '' ? undefined : integer ? Math.trunc(Number(e.target.value)) : Number(e.target.value))}
      />
    );
  };
}

const BoolWidget: Widget = ({ attr, value, onChange }) => (
  <input type="checkbox" checked={typeof value === 'boolean' ? value : attr.default === true} onChange={(e) => onChange(e.target.checked)} />
);

function choiceWidget(options: (p: WidgetProps) => readonly string[], noneLabel: string): Widget {
  return function ChoiceWidget(props) {
    const { value, onChange } = props;
    return (
      <select value={typeof value === 'string' ? value : ''} onChange={(e) => onChange(e.target.value === '' ? null : e.target.value)}>
        <option value="">{noneLabel}</option>
        {options(props).map((c) => (
          <option key={c} value={c}>
            {c}
          </option>
        ))}
      </select>
    );
  };
}

const TextWidget: Widget = ({ value, onChange }) => (
  <input type="text" value={typeof value === 'string' ? value : ''} onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)} />
);

const IntListWidget: Widget = ({ value, onChange }) => (
  <input
    type="text"
    placeholder="e.g. 0, 1"
    value={Array.isArray(value) ? value.join(', ') : ''}
    onChange={(e) =>
      onChange(
        e.target.value
          .split(/[\s,]+/)
          .filter(Boolean)
          .map(Number),
      )
    }
  />
);

export const attrWidgets: Readonly<Record<string, Widget>> = {
  int: numberWidget(true),
  float: numberWidget(false),
  bool: BoolWidget,
  enum: choiceWidget((p) => p.attr.choices ?? [], '(none)'),
  string: TextWidget,
  function: TextWidget,
  intList: IntListWidget,
};

export function AttrWidget(props: WidgetProps) {
  const Widget = attrWidgets[props.attr.type] ?? TextWidget;
  return <Widget {...props} />;
}
