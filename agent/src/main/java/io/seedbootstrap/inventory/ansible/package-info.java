/**
 * Ansible inventories, as they are: INI and YAML inventories become the raw tree of our format
 * (positions pointing into the Ansible file), so the one binder and validator check them.
 *
 * <h2>Syntax (as Ansible reads it)</h2>
 * INI: hosts before any section are ungrouped; {@code [g]}, {@code [g:children]}, {@code [g:vars]},
 * {@code [all:vars]}; a group may be listed as a child before its own section; full-line comments
 * with {@code ;} or {@code #}. Host lines are split like Python's shlex (quotes, backslashes; a
 * {@code #} outside quotes ends the line, even inside a word, which is warned about); values are
 * read like {@code ast.literal_eval} (numbers, quoted strings, True/False/None, lists, dicts),
 * else kept as text. {@code [g:vars]} lines are {@code key = value}; there an inline comment is
 * whitespace then {@code #}. Host patterns: {@code name:port}, {@code [v6]:port}, ranges
 * {@code n[01:03]}, {@code n[a:c]}, {@code n[1:9:2]}. YAML: {@code all: {hosts, children, vars}},
 * nested children, empty (null) hosts and groups. Deliberate differences from Ansible: every
 * syntax error is reported (not only the first), an empty range ({@code [3:1]}) is an error,
 * JSON's true/false/null are read inside values, a host listed twice with different values for
 * one variable is an error, and literal {@code ${} is kept literal (escaped for our format).
 *
 * <h2>Meaning</h2>
 * <ul>
 *   <li>Roles from groups ({@link io.seedbootstrap.inventory.ansible.GroupRoles}): rke2_servers,
 *       kube_control_plane, kube-master, servers, masters are servers; rke2_agents, kube_node,
 *       kube-node, agents, workers are agents; membership counts through child groups; a host in
 *       both is a server (noted); {@code rke2_type}/{@code rke2_node_type}/{@code rke2_role}
 *       on a host win; {@code --group-role} adds or overrides names. etcd and calico_rr are
 *       ignored with a note; the {@code bastion} group's first host is the jump host; a host
 *       with no role is an error (a host with ansible_connection=local is left out, noted).
 *   <li>Variables ({@link io.seedbootstrap.inventory.ansible.AnsibleVariables}): Ansible's
 *       precedence (all, parent, child, host; vars files below) decides each host's values. Connection variables
 *       set for group all, or by one group every host is in, go to the ssh section; others to
 *       the host. Cluster-wide variables (install_rke2_version, rke2_cni, seed_*...) must agree
 *       across the cluster's hosts. Unknown variables are noted once per name; an unknown
 *       {@code seed_*} variable and any join token ({@code rke2_token}...) are errors.
 *   <li>Vars files ({@link io.seedbootstrap.inventory.ansible.VarsFiles}): {@code group_vars/} and
 *       {@code host_vars/} beside the inventory file, files or folders (read recursively in lexical
 *       order), the first of NAME, NAME.yml, NAME.yaml, NAME.json as Ansible picks it. Precedence
 *       (lowest first): the inventory file's group vars (all, then groups by depth,
 *       ansible_group_priority and name), group_vars/all, group_vars/&lt;group&gt; (same order), the
 *       host's line, host_vars/&lt;host&gt;. A file encrypted as a whole is not read (warned).
 *   <li>ansible_connection: ssh, smart, paramiko (paramiko_ssh) are SSH, reached with our own
 *       client; ansible_paramiko_host/_port/_user are aliases of ansible_host/_port/_user; local is
 *       {@code hosts[].connection: local}; other plugins are errors.
 *   <li>Templates: a Jinja ({@code {{ }}}) or Vault value is never evaluated. It becomes
 *       {@code ${SEED_SUDO_PASSWORD}} for become passwords, else {@code ${SEED_<SCOPE>_<FIELD>}}
 *       (scope: the host or group that set it, none for group all; cluster fields use their
 *       seed_ name: {@code SEED_RANCHER_HOSTNAME}), with a warning naming the variable to export.
 *       {@code {{ lookup('env', 'X') }}} simply becomes {@code ${X}}.
 *   <li>Cluster name: {@code seed_cluster_name}; without it, the inventory file's name
 *       (its folder's for a generic name such as hosts.ini or inventory.yaml), noted, since a
 *       name taken from a file changes when the file is renamed.
 * </ul>
 */
package io.seedbootstrap.inventory.ansible;
