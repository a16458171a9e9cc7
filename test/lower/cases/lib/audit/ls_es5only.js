var a = 'x y';
module.exports = function () { return a.length; };
