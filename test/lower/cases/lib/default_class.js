// An anonymous default class is named "default" too.
export default class { static kind() { return 1; } }
