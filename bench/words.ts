/**
 * Word lists for a realistic synthetic catalog: Latin names are brand + (descriptor) + product +
 * size; Chinese names are brand + (descriptor) + product + size with an English alt name.
 */

export const LATIN_BRANDS = [
  'Acme', 'Northfield', 'Golden Valley', 'Sunrise', 'Bluebird', 'Harvest Moon', 'Green Leaf', 'Riverside', 'Oakwood',
  'Maple Farm', 'Alpine', 'Coastal', 'Heritage', 'Evergreen', 'Silver Spoon', 'Red Barn', 'Highland', 'Meadow Fresh',
  'Urban Pantry', 'Little Chef', 'Nordic', 'Sunny Side', 'Brookside', 'Kingsley', 'Pure Earth', 'Hillcrest', 'Baker Street',
  'Crown', 'Wildflower', 'Stonebridge', 'Clearwater', 'Farmhouse', 'Tasty Bite', 'Morning Star', 'Seaside', 'Valley View',
  'Happy Cow', 'Orchard Lane', 'Blue Ridge', 'Prairie', 'Lakeside', 'Summit', 'Cedar Grove', 'Willow', 'Fox Hollow',
  'Good Harvest', 'Village', 'Copper Kettle', 'Iron Oak', 'Polar',
] as const;

export const LATIN_DESCRIPTORS = [
  'Organic', 'Classic', 'Light', 'Whole', 'Semi-Skimmed', 'Dark', 'Sparkling', 'Unsalted', 'Wholegrain', 'Spicy', 'Original',
  'Extra', 'Premium', 'Low Fat', 'Sugar Free', 'Smoked', 'Roasted', 'Fresh', 'Crunchy', 'Creamy', 'Mild', 'Strong', 'Vanilla',
  'Strawberry', 'Honey', 'Salted', 'Free Range', 'Family', 'Mini', 'Natural',
] as const;

export const LATIN_PRODUCTS = [
  'Milk', 'Chocolate', 'Green Tea', 'Black Tea', 'Coffee Beans', 'Ground Coffee', 'Orange Juice', 'Apple Juice', 'Mineral Water',
  'Cola', 'Crackers', 'Cookies', 'Cheddar Cheese', 'Mozzarella', 'Butter', 'Yogurt', 'Bread', 'Bagels', 'Pasta', 'Spaghetti',
  'Rice', 'Basmati Rice', 'Olive Oil', 'Sunflower Oil', 'Tomato Sauce', 'Peanut Butter', 'Strawberry Jam', 'Honey', 'Cereal',
  'Corn Flakes', 'Oats', 'Granola Bars', 'Potato Chips', 'Tortilla Chips', 'Popcorn', 'Ice Cream', 'Frozen Peas', 'Chicken Breast',
  'Ham', 'Bacon', 'Sausages', 'Tuna', 'Salmon Fillet', 'Eggs', 'Flour', 'Sugar', 'Sea Salt', 'Black Pepper', 'Ketchup', 'Mustard',
  'Mayonnaise', 'Soy Sauce', 'Noodles', 'Shampoo', 'Conditioner', 'Toothpaste', 'Hand Soap', 'Dish Soap', 'Laundry Detergent',
  'Paper Towels', 'Toilet Paper', 'Tissues', 'Batteries', 'Light Bulb', 'Dog Food', 'Cat Food', 'Beer', 'Red Wine', 'White Wine',
  'Sparkling Water', 'Energy Drink', 'Lemonade', 'Milk Chocolate', 'Dark Chocolate', 'Chocolate Milk', 'Almond Milk', 'Oat Milk',
  'Croissants', 'Muffins', 'Pancake Mix', 'Maple Syrup', 'Baked Beans', 'Chickpeas', 'Lentils', 'Coconut Milk', 'Curry Paste',
  'Salsa', 'Hummus', 'Pretzels', 'Mixed Nuts', 'Almonds', 'Cashews', 'Raisins', 'Dried Mango', 'Gummy Bears', 'Mints',
  'Chewing Gum', 'Bananas', 'Apples', 'Tomatoes', 'Potatoes', 'Onions', 'Carrots', 'Lettuce', 'Avocados', 'Lemons',
] as const;

export const SIZES = [
  '250ml', '330ml', '500ml', '1L', '1.5L', '2L', '100g', '150g', '200g', '250g', '400g', '500g', '750g', '1kg', '2kg', '5kg',
  '6 pack', '12 pack', 'x10', 'x24',
] as const;

/** [Chinese, English] pairs. */
export const ZH_BRANDS: readonly (readonly [string, string])[] = [
  ['伊利', 'Yili'], ['蒙牛', 'Mengniu'], ['康师傅', 'Master Kong'], ['统一', 'Uni-President'], ['农夫山泉', 'Nongfu Spring'],
  ['娃哈哈', 'Wahaha'], ['旺旺', 'Want Want'], ['光明', 'Bright'], ['双汇', 'Shuanghui'], ['金龙鱼', 'Arawana'], ['海天', 'Haday'],
  ['今麦郎', 'Jinmailang'], ['三只松鼠', 'Three Squirrels'], ['良品铺子', 'Bestore'], ['百草味', 'Be Cheery'], ['青岛', 'Tsingtao'],
  ['雪花', 'Snow'], ['怡宝', 'Cestbon'], ['达利园', 'Daliyuan'], ['思念', 'Synear'], ['三全', 'Sanquan'], ['白象', 'Baixiang'],
  ['徐福记', 'Hsu Fu Chi'], ['好丽友', 'Orion'], ['盼盼', 'Panpan'], ['上好佳', 'Oishi'], ['东鹏', 'Eastroc'], ['元气森林', 'Genki Forest'],
  ['银鹭', 'Yinlu'], ['五粮液', 'Wuliangye'], ['李锦记', 'Lee Kum Kee'], ['老干妈', 'Lao Gan Ma'], ['福临门', 'Fortune'], ['中粮', 'COFCO'],
  ['维达', 'Vinda'], ['心相印', 'Hearttex'], ['云南白药', 'Yunnan Baiyao'], ['立白', 'Liby'], ['南孚', 'Nanfu'], ['雀巢', 'Nestle'],
];

export const ZH_DESCRIPTORS: readonly (readonly [string, string])[] = [
  ['原味', 'Original'], ['低脂', 'Low Fat'], ['无糖', 'Sugar Free'], ['香辣', 'Spicy'], ['经典', 'Classic'], ['有机', 'Organic'],
  ['鲜', 'Fresh'], ['特浓', 'Extra Rich'], ['草莓味', 'Strawberry'], ['家庭装', 'Family Pack'],
];

export const ZH_PRODUCTS: readonly (readonly [string, string])[] = [
  ['苹果', 'Apples'], ['牛奶', 'Milk'], ['纯牛奶', 'Whole Milk'], ['面包', 'Bread'], ['矿泉水', 'Mineral Water'], ['可乐', 'Cola'],
  ['饼干', 'Biscuits'], ['巧克力', 'Chocolate'], ['大米', 'Rice'], ['酸奶', 'Yogurt'], ['绿茶', 'Green Tea'], ['红茶', 'Black Tea'],
  ['乌龙茶', 'Oolong Tea'], ['茶叶', 'Tea Leaves'], ['方便面', 'Instant Noodles'], ['挂面', 'Dried Noodles'], ['火腿肠', 'Ham Sausage'],
  ['薯片', 'Potato Chips'], ['橙汁', 'Orange Juice'], ['苹果汁', 'Apple Juice'], ['啤酒', 'Beer'], ['白酒', 'Baijiu'], ['酱油', 'Soy Sauce'],
  ['醋', 'Vinegar'], ['食用油', 'Cooking Oil'], ['花生油', 'Peanut Oil'], ['鸡蛋', 'Eggs'], ['咖啡', 'Coffee'], ['奶粉', 'Milk Powder'],
  ['豆浆', 'Soy Milk'], ['香肠', 'Sausage'], ['牛肉干', 'Beef Jerky'], ['瓜子', 'Sunflower Seeds'], ['花生', 'Peanuts'], ['糖果', 'Candy'],
  ['口香糖', 'Chewing Gum'], ['冰淇淋', 'Ice Cream'], ['水饺', 'Dumplings'], ['汤圆', 'Rice Balls'], ['月饼', 'Mooncake'],
  ['洗发水', 'Shampoo'], ['牙膏', 'Toothpaste'], ['香皂', 'Soap'], ['洗衣粉', 'Washing Powder'], ['纸巾', 'Tissues'],
  ['卫生纸', 'Toilet Paper'], ['电池', 'Batteries'], ['蜂蜜', 'Honey'], ['果冻', 'Jelly'], ['八宝粥', 'Congee'], ['榨菜', 'Pickled Mustard'],
  ['辣条', 'Spicy Strips'], ['豆腐', 'Tofu'], ['面粉', 'Flour'], ['白糖', 'Sugar'], ['食盐', 'Salt'], ['香蕉', 'Bananas'], ['橙子', 'Oranges'],
];

export const CATEGORIES: readonly (readonly [string, string])[] = [
  ['Dairy', '乳制品'], ['Bakery', '烘焙'], ['Drinks', '饮料'], ['Snacks', '零食'], ['Pantry', '粮油'], ['Frozen', '冷冻'],
  ['Meat & Fish', '肉类水产'], ['Produce', '果蔬'], ['Household', '日用品'], ['Personal Care', '个人护理'], ['Pets', '宠物'],
  ['Alcohol', '酒类'],
];
