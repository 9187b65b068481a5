module.exports = require('../../jest.preset.js')(__dirname, { displayName: 'coupon-catalog', database: true });
