import { parseCidr, parseIp } from '../parse/ip.js';
import type { AttributeTest } from './compile-condition.js';

/**
 * `cidr`: an IPv4/IPv6 address attribute inside one of the networks. A string that is not an
 * address is the wrong type; unparseable networks are ignored.
 */
export function compileCidr(values: readonly unknown[]): AttributeTest {
  const networks = values.map(parseCidr).filter((network) => network !== undefined);
  return (attribute) => {
    const address = parseIp(attribute);
    return address === undefined ? undefined : networks.some((network) => address.startsWith(network));
  };
}
