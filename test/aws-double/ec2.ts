/**
 * EC2 operations of the double. EC2 speaks the Query protocol, not JSON 1.1: a form-encoded POST
 * (`Action=DescribeInstances&Version=2016-11-15&InstanceId.1=…`) answered with XML
 * (`<DescribeInstancesResponse>` … `<reservationSet><item><instancesSet><item>`), and errors as
 * `<Response><Errors><Error><Code>`. DescribeInstances takes at most 1,000 `InstanceId`s, rejects
 * `MaxResults` together with them, and fails as a whole for an id it does not know
 * (`InvalidInstanceID.NotFound`), as EC2 does. DescribeNetworkInterfaces answers the ENIs of awsvpc
 * tasks (not STOPPED ones: ECS deletes a stopped task's ENI) by `NetworkInterfaceId.N` (unknown id:
 * `InvalidNetworkInterfaceID.NotFound`, no `MaxResults` with them) or by the `network-interface-id`
 * filter (at most 200 values; unknown ids are simply absent), paged by `MaxResults` 5..1000.
 */
import { AwsError } from './errors.ts';
import type { FleetIndex } from './fleet-index.ts';
import { page } from './paging.ts';

/** The XML text of an answer. */
export class XmlBody {
  constructor(readonly text: string) {}
}

/** A form-encoded Query request: `Action`, `Version` and the flattened members. */
export type QueryInput = ReadonlyMap<string, string>;

export const parseQuery = (body: string): QueryInput => new Map(new URLSearchParams(body));

const DESCRIBE_INSTANCES_MAX_IDS = 1000;
const XMLNS = 'http://ec2.amazonaws.com/doc/2016-11-15/';

const escapeXml = (text: string) =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

const element = (name: string, value: string | undefined) =>
  value === undefined ? '' : `<${name}>${escapeXml(value)}</${name}>`;

/** Members named `<prefix>.1`, `<prefix>.2`, … in order. */
const listMembers = (input: QueryInput, prefix: string): string[] => {
  const values: string[] = [];
  for (let n = 1; input.has(`${prefix}.${n}`); n += 1) values.push(input.get(`${prefix}.${n}`) ?? '');
  return values;
};

export const ec2Error = (code: string, message: string) => new AwsError(400, code, message, 'Message');

const tagSet = (tags: readonly { key: string; value: string }[]) =>
  tags.length === 0
    ? ''
    : `<tagSet>${tags.map((t) => `<item>${element('key', t.key)}${element('value', t.value)}</item>`).join('')}</tagSet>`;

const describeInstances = (index: FleetIndex, input: QueryInput): XmlBody => {
  const ids = listMembers(input, 'InstanceId');
  if (ids.length > DESCRIBE_INSTANCES_MAX_IDS) {
    throw ec2Error(
      'InvalidParameterValue',
      `The maximum number of instance IDs is ${DESCRIBE_INSTANCES_MAX_IDS}.`,
    );
  }
  if (ids.length > 0 && input.has('MaxResults')) {
    throw ec2Error(
      'InvalidParameterCombination',
      'The parameter instancesSet cannot be used with the parameter maxResults',
    );
  }
  const unknown = ids.filter((id) => !index.ec2Instances.has(id));
  if (unknown.length > 0) {
    throw ec2Error('InvalidInstanceID.NotFound', `The instance IDs '${unknown.join(', ')}' do not exist`);
  }
  const instances =
    ids.length > 0 ? ids.map((id) => index.ec2Instances.get(id)!) : [...index.ec2Instances.values()];
  const items = instances
    .map(
      (ci) =>
        `<item>${element('reservationId', `r-${ci.ec2InstanceId?.slice(2)}`)}${element('ownerId', index.fleet.accountId)}<groupSet/>` +
        `<instancesSet><item>${element('instanceId', ci.ec2InstanceId)}<instanceState><code>16</code><name>running</name></instanceState>` +
        `${element('privateIpAddress', ci.ip)}${element('ipAddress', ci.publicIp)}${element('subnetId', ci.subnetId)}` +
        `${element('ipv6Address', ci.ipv6)}${element('instanceType', ci.instanceType)}${tagSet(ci.tags)}</item></instancesSet></item>`,
    )
    .join('');
  return new XmlBody(
    `<?xml version="1.0" encoding="UTF-8"?>\n<DescribeInstancesResponse xmlns="${XMLNS}"><requestId>00000000-0000-4000-8000-000000000000</requestId><reservationSet>${items}</reservationSet></DescribeInstancesResponse>`,
  );
};

const FILTER_VALUES_MAX = 200;
const DESCRIBE_NETWORK_INTERFACES_PAGE = { defaultSize: 1000, maxSize: 1000 } as const;

/** `Filter.<n>.Name` / `Filter.<n>.Value.<m>` members, in order. */
const filters = (input: QueryInput): { name: string; values: string[] }[] => {
  const out: { name: string; values: string[] }[] = [];
  for (let n = 1; input.has(`Filter.${n}.Name`); n += 1)
    out.push({ name: input.get(`Filter.${n}.Name`) ?? '', values: listMembers(input, `Filter.${n}.Value`) });
  return out;
};

const describeNetworkInterfaces = (index: FleetIndex, input: QueryInput): XmlBody => {
  const ids = listMembers(input, 'NetworkInterfaceId');
  const maxResults = input.get('MaxResults');
  if (ids.length > 0 && maxResults !== undefined) {
    throw ec2Error(
      'InvalidParameterCombination',
      'The parameter NetworkInterfaceIds cannot be used with the parameter MaxResults',
    );
  }
  if (maxResults !== undefined && (Number(maxResults) < 5 || Number(maxResults) > 1000)) {
    throw ec2Error('InvalidParameterValue', `Value ( ${maxResults} ) for parameter maxResults is invalid.`);
  }
  const live = (id: string) => {
    const task = index.networkInterfaces.get(id);
    return task !== undefined && task.lastStatus !== 'STOPPED' ? task : undefined;
  };
  const unknown = ids.filter((id) => live(id) === undefined);
  if (unknown.length > 0) {
    throw ec2Error(
      'InvalidNetworkInterfaceID.NotFound',
      `The networkInterface ID '${unknown.join(', ')}' does not exist`,
    );
  }
  let wanted: string[] = ids.length > 0 ? ids : [...index.networkInterfaces.keys()];
  for (const filter of filters(input)) {
    if (filter.name !== 'network-interface-id')
      throw ec2Error('InvalidParameterValue', `The filter '${filter.name}' is invalid`);
    if (filter.values.length > FILTER_VALUES_MAX) {
      throw ec2Error(
        'FilterLimitExceeded',
        `The maximum number of filter values specified on a single call is ${FILTER_VALUES_MAX}`,
      );
    }
    const allowed = new Set(filter.values);
    wanted = wanted.filter((id) => allowed.has(id));
  }
  const found = wanted.flatMap((id) => {
    const task = live(id);
    return task === undefined ? [] : [{ id, task }];
  });
  const answered = page(
    found,
    {
      operation: 'ec2:DescribeNetworkInterfaces',
      scope: JSON.stringify([ids, filters(input)]),
      maxResults: maxResults === undefined ? undefined : Number(maxResults),
      nextToken: input.get('NextToken'),
      invalid: (message) => ec2Error('InvalidParameterValue', message),
      names: { maxResults: 'MaxResults', nextToken: 'NextToken' },
    },
    DESCRIBE_NETWORK_INTERFACES_PAGE,
  );
  const items = answered.items
    .map(
      ({ id, task }) =>
        `<item>${element('networkInterfaceId', id)}${element('availabilityZone', task.availabilityZone)}` +
        `${element('interfaceType', 'interface')}${element('privateIpAddress', task.ip)}${element('status', 'in-use')}` +
        `${task.publicIp === undefined ? '' : `<association>${element('publicIp', task.publicIp)}${element('ipOwnerId', 'amazon')}</association>`}</item>`,
    )
    .join('');
  return new XmlBody(
    `<?xml version="1.0" encoding="UTF-8"?>\n<DescribeNetworkInterfacesResponse xmlns="${XMLNS}"><requestId>00000000-0000-4000-8000-000000000000</requestId><networkInterfaceSet>${items}</networkInterfaceSet>${element('nextToken', answered.nextToken)}</DescribeNetworkInterfacesResponse>`,
  );
};

/** EC2 handlers by `Action`. */
export const ec2Operations = {
  DescribeInstances: describeInstances,
  DescribeNetworkInterfaces: describeNetworkInterfaces,
} as const satisfies Record<string, (index: FleetIndex, input: QueryInput) => XmlBody>;

/** The XML error body EC2 writes. */
export const ec2ErrorXml = (error: AwsError): string =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${escapeXml(error.type)}</Code><Message>${escapeXml(error.message)}</Message></Error></Errors><RequestID>00000000-0000-4000-8000-000000000000</RequestID></Response>`;
